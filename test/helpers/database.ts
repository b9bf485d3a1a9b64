import crypto from 'node:crypto';
import mysql from 'mysql2/promise';
import type { Sequelize } from 'sequelize';
import { connectDatabase, migrate } from '../../src/db';

export interface TestDatabase {
  url: string;
  sequelize: Sequelize;
  drop(): Promise<void>;
}

/** Returns the URL of the database server that the suite uses. Each test file gets its own database on it. */
export function testServerUrl(): string {
  return process.env.TEST_DATABASE_URL || 'mysql://root@127.0.0.1:3306/test';
}

/** Creates a fresh, migrated database for one test file and binds the models to it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const server = new URL(testServerUrl());
  const name = `autotweet_test_${crypto.randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection({ uri: server.toString() });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.end();

  const url = new URL(server.toString());
  url.pathname = `/${name}`;
  const sequelize = connectDatabase({ databaseUrl: url.toString(), dataDir: '/nonexistent' });
  await migrate(sequelize);

  return {
    url: url.toString(),
    sequelize,
    async drop() {
      await sequelize.close();
      const connection = await mysql.createConnection({ uri: server.toString() });
      await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await connection.end();
    },
  };
}
