import net from 'node:net';
import { loadConfig } from '../../server/src/core/config';

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port, timeout: 2000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/** Integration suites need the real database and Redis; say plainly how to get them if they are down. */
export default async function globalSetup(): Promise<void> {
  process.env.NODE_ENV = 'test';
  const config = loadConfig({ env: { ...process.env, NODE_ENV: 'test' } });
  const mongo = new URL(config.mongodb.uri.replace(/^mongodb/, 'http'));
  const redis = new URL(config.redis.url.replace(/^redis/, 'http'));
  const down: string[] = [];
  if (!(await reachable(mongo.hostname, Number(mongo.port || 27017)))) down.push(`MongoDB at ${mongo.host}`);
  if (!(await reachable(redis.hostname, Number(redis.port || 6379)))) down.push(`Redis at ${redis.host}`);
  if (down.length > 0) {
    throw new Error(
      `${down.join(' and ')} not reachable. Run the tests with \`npm test\` (it starts them), or \`npm run services start\` first.`,
    );
  }
}
