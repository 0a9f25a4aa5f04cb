import { connection } from 'next/server';
import { listProjectActivity } from '@/lib/projects/queries';

export default async function HomePage() {
  await connection();
  const projects = await listProjectActivity();
  return (
    <main className="mx-auto max-w-3xl space-y-8 p-8">
      <header>
        <h1 className="text-2xl font-semibold">Chatwatch</h1>
        <p className="text-sm text-zinc-500">Events received in the last 24 hours, by project.</p>
      </header>
      {projects.length === 0 ? (
        <p className="rounded-lg border border-dashed border-zinc-300 p-6 text-sm text-zinc-500 dark:border-zinc-700">
          No project yet. Set <code>INIT_API_KEY</code> and restart, or run <code>npm run dev</code> for demo data.
        </p>
      ) : (
        <ul className="space-y-3">
          {projects.map((project) => (
            <li key={project.id} className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
              <div className="flex items-baseline justify-between">
                <span className="font-medium">{project.name}</span>
                <span className="tabular-nums text-sm text-zinc-500">{project.events24h.toLocaleString('en-US')} events</span>
              </div>
              <p className="mt-1 text-xs text-zinc-500">
                {project.lastEventAt ? `Last event ${project.lastEventAt.toISOString()}` : 'No events yet'}
              </p>
            </li>
          ))}
        </ul>
      )}
      <section className="rounded-lg border border-zinc-200 bg-white p-4 text-sm dark:border-zinc-800 dark:bg-zinc-900">
        <h2 className="mb-2 font-medium">Send events</h2>
        <pre className="overflow-x-auto text-xs">{`curl -X POST $URL/api/v1/events \\
  -H "Authorization: Bearer $API_KEY" -H "Content-Type: application/json" \\
  -d '{"events":[{"type":"page.view","path":"/chat"}]}'`}</pre>
      </section>
    </main>
  );
}
