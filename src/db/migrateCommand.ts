/** `npm run migrate`: applies pending migrations to the configured database (`.env` is read if present). */
import dotenv from 'dotenv';
import { ConfigError, loadConfig } from '../config';
import { createLogger } from '../logger';
import { connectDatabase, migrate } from '.';

async function main(): Promise<void> {
  dotenv.config({ quiet: true });
  const config = loadConfig();
  const logger = createLogger({ level: config.logLevel, pretty: config.env === 'development', name: 'migrate' });
  const sequelize = connectDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  try {
    const applied = await migrate(sequelize, logger);
    const where = config.databaseUrl ? new URL(config.databaseUrl).pathname.slice(1) : `SQLite in ${config.dataDir}`;
    console.log(applied.length > 0 ? `Applied ${applied.length} migration(s) to ${where}.` : `${where} is up to date.`);
  } finally {
    await sequelize.close();
  }
}

main().catch((error) => {
  console.error(`Migration failed: ${error instanceof ConfigError ? error.message : (error as Error).message ?? error}`);
  process.exit(1);
});
