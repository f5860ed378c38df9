import { DURATION_BUCKETS, type SessionStats } from 'nest-session-kit';
import { html, type Html } from '../html';
import { barChart } from './bar-chart';

export function dashboardView(stats: SessionStats): Html {
  return html`<h1>Admin dashboard</h1>
    <p class="muted">
      Session analytics from ${stats.from} to ${stats.to} (UTC), as
      <a href="/admin/stats?days=${stats.daily.length}">GET /admin/stats</a> reports them.
    </p>
    <section class="stats" aria-label="Figures">
      <div class="card stat">
        <span class="muted">Sessions active now</span
        ><strong data-testid="active-now">${stats.activeSessions}</strong>
      </div>
      <div class="card stat">
        <span class="muted">Active users</span><strong>${stats.totals.activeUsers}</strong>
      </div>
      <div class="card stat">
        <span class="muted">Sign-ins</span><strong>${stats.totals.logins}</strong>
      </div>
      <div class="card stat">
        <span class="muted">Sessions started</span><strong>${stats.totals.sessionsStarted}</strong>
      </div>
    </section>
    <section class="charts" aria-label="Charts">
      ${barChart({
        testId: 'chart-dau',
        title: 'Daily active users',
        unit: 'Active users per day',
        bars: stats.daily.map((day) => ({ label: day.date.slice(5), value: day.activeUsers })),
      })}
      ${barChart({
        testId: 'chart-durations',
        title: 'Session durations',
        unit: 'Ended sessions by length',
        bars: DURATION_BUCKETS.map((bucket) => ({
          label: bucket,
          value: stats.totals.sessionDurations[bucket],
        })),
      })}
    </section>`;
}
