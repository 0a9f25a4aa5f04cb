/** Says once which backends the integration tests run against. */
export default function setup() {
  const db = process.env.DATABASE_URL ? `Postgres (${redact(process.env.DATABASE_URL)})` : 'PGlite (embedded, in memory)';
  const kv = [
    'in-process',
    process.env.REDIS_URL ? `Redis TCP (${redact(process.env.REDIS_URL)})` : null,
    process.env.REDIS_URL ? '@vercel/kv via the Upstash REST bridge to that Redis' : null,
  ].filter(Boolean);
  console.log(`\n[backends] database: ${db}; KV: ${kv.join(', ')}\n`);
}

function redact(url: string) {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}
