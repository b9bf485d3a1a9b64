/**
 * Imported first by a test file to run its whole process in America/Sao_Paulo (UTC-3, no DST
 * since 2019), so a time stored or read in local time instead of UTC shows up as a 3-hour shift.
 * Node applies a TZ set at run time to every Date created after it.
 */
process.env.TZ = 'America/Sao_Paulo';
