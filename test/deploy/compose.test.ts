import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { parse } from 'yaml';
import { CONFIG_VARIABLES } from '../../src/config';

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[] | string;
  environment?: Record<string, string | number>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] | string };
}

const root = path.join(__dirname, '..', '..');
const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};
const services = compose.services;
const APP_SERVICES = ['setup', 'api', 'worker'];

test('compose has the whole stack', (t) => {
  t.deepEqual(Object.keys(services).sort(), ['api', 'mysql', 'setup', 'temporal', 'temporal-ui', 'worker']);
});

test('compose images are pinned', (t) => {
  for (const [name, service] of Object.entries(services)) {
    if (service.build) {
      t.is(service.image, undefined, `${name} is built from the Dockerfile`);
      continue;
    }
    const tag = service.image?.split(':')[1];
    t.truthy(tag, `${name} image ${service.image} has no tag`);
    t.not(tag, 'latest', `${name} uses the latest tag`);
    t.regex(tag ?? '', /^\d+\.\d+\.\d+/, `${name} image ${service.image} is not pinned to a full version`);
  }
});

test('compose runs MySQL 8 with utf8mb4', (t) => {
  t.regex(services.mysql.image ?? '', /^mysql:8\./);
  t.true((services.mysql.command as string[]).includes('--character-set-server=utf8mb4'));
  t.true((services.mysql.command as string[]).includes('--collation-server=utf8mb4_unicode_ci'));
});

test('compose runs Temporal on MySQL 8', (t) => {
  t.regex(services.temporal.image ?? '', /^temporalio\/auto-setup:/);
  t.is(services.temporal.environment?.DB, 'mysql8');
  t.is(services.temporal.environment?.MYSQL_SEEDS, 'mysql');
  t.regex(services['temporal-ui'].image ?? '', /^temporalio\/ui:/);
  t.is(services['temporal-ui'].environment?.TEMPORAL_ADDRESS, 'temporal:7233');
});

test('compose services have health checks', (t) => {
  for (const [name, service] of Object.entries(services)) {
    if (name === 'setup') {
      continue; // A one-shot job: the services that need it wait for it to complete instead.
    }
    t.truthy(service.healthcheck?.test, `${name} has no health check`);
  }
});

test('compose waits on healthy dependencies', (t) => {
  for (const [name, service] of Object.entries(services)) {
    for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
      const expected = dependency === 'setup' ? 'service_completed_successfully' : 'service_healthy';
      t.is(condition, expected, `${name} depends on ${dependency}`);
      t.truthy(services[dependency], `${name} depends on unknown service ${dependency}`);
    }
  }
  for (const name of ['api', 'worker']) {
    t.deepEqual(Object.keys(services[name].depends_on ?? {}).sort(), ['mysql', 'setup', 'temporal'], `${name} dependencies`);
  }
  t.deepEqual(Object.keys(services.setup.depends_on ?? {}).sort(), ['mysql', 'temporal']);
});

test('compose app environment is known to config', (t) => {
  for (const name of APP_SERVICES) {
    const unknown = Object.keys(services[name].environment ?? {}).filter((key) => !CONFIG_VARIABLES.includes(key));
    t.deepEqual(unknown, [], `${name} sets variables config.ts does not read`);
    t.is(services[name].environment?.NODE_ENV, 'production', `${name} NODE_ENV`);
    t.truthy(services[name].environment?.ENCRYPTION_KEY, `${name} ENCRYPTION_KEY`);
    t.regex(String(services[name].environment?.DATABASE_URL), /^mysql:\/\/.+@mysql:3306\//, `${name} DATABASE_URL`);
    t.is(services[name].environment?.TEMPORAL_ADDRESS, 'temporal:7233', `${name} TEMPORAL_ADDRESS`);
  }
  t.is(services.api.environment?.HOST, '0.0.0.0');
});

test('compose commands run built entry points', (t) => {
  const commands = APP_SERVICES.map((name) => [services[name].command, services[name].healthcheck?.test].flat().join(' '));
  const entryPoints = commands.join(' ').match(/dist\/src\/[\w/]+\.js/g) ?? [];
  t.true(entryPoints.length >= 4, entryPoints.join(', '));
  for (const entryPoint of entryPoints) {
    const source = entryPoint.replace(/^dist\//, '').replace(/\.js$/, '.ts');
    t.true(fs.existsSync(path.join(root, source)), `${entryPoint} has no source ${source}`);
  }
});

test('Dockerfile builds in stages as non-root', (t) => {
  const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const stages = dockerfile.match(/^FROM .+$/gm) ?? [];
  t.is(stages.length, 2);
  for (const stage of stages) {
    t.regex(stage, /^FROM node:\d+\.\d+\.\d+-/, `${stage} is not pinned`);
  }
  t.regex(dockerfile, /^RUN npm ci$/m);
  t.regex(dockerfile, /npm run build/);
  const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  t.regex(runtimeStage, /^USER node$/m);
});

test('.env.example documents every variable', (t) => {
  const example = fs.readFileSync(path.join(root, '.env.example'), 'utf8');
  const documented = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]);
  t.deepEqual(CONFIG_VARIABLES.filter((key) => !documented.includes(key)), [], 'missing from .env.example');
  t.deepEqual(documented.filter((key) => !CONFIG_VARIABLES.includes(key)), [], 'unknown to config.ts');
});
