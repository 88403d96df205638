/**
 * The MLflow web UI through the gateway, in a real browser (Debian's chromium driven by playwright-core), as a
 * user with READ on one experiment and nothing on another, authenticating with HTTP Basic (username and access
 * token) as a browser does after a 401 with WWW-Authenticate: Basic.
 *
 * Set UI_SCREENSHOT_DIR to keep screenshots of the pages (docs/images/ holds the experiment page).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { expect } from 'chai';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';

import { runClient } from './python.js';
import { type Credentials, cli, world } from './world.js';

const CHROMIUM = '/usr/bin/chromium';

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  /** The gateway's refusal code of an answer that carries one in a header (GraphQL refusals are HTTP 200). */
  readonly refused: string | null;
}

describe('the MLflow web UI through the gateway, in chromium', function () {
  this.timeout(240_000);
  let browser: Browser;
  let reader: Credentials;
  const stamp = Date.now().toString(36);
  const visibleName = `ui-visible-${stamp}`;
  const hiddenName = `ui-hidden-${stamp}`;
  let visibleId: string;
  let hiddenId: string;
  let runId: string;
  let hiddenRunId: string;

  before(async function () {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `${CHROMIUM} is missing, so the browser test cannot run. Install it with scripts/bootstrap.sh ` +
          '(it runs apt-get install chromium when apt-get is available) or your package manager.',
      );
    }
    const created = await runClient(
      world.users.admin,
      `
visible = mlflow.create_experiment(${JSON.stringify(visibleName)})
hidden = mlflow.create_experiment(${JSON.stringify(hiddenName)})
with mlflow.start_run(experiment_id=visible, run_name="ui-run") as run:
    mlflow.log_param("learning_rate", "0.01")
    for step in range(5):
        mlflow.log_metric("loss", 1.0 / (step + 1), step=step)
    mlflow.log_text("visible notes", "notes.txt")
with mlflow.start_run(experiment_id=hidden, run_name="hidden-run") as other:
    mlflow.log_metric("loss", 0.5)
results["ids"] = {"ok": True, "value": [visible, hidden, run.info.run_id, other.info.run_id]}
`,
    );
    [visibleId, hiddenId, runId, hiddenRunId] = created['ids']?.value as [string, string, string, string];
    await cli(['user', 'create', 'ui-reader']);
    reader = { username: 'ui-reader', token: await cli(['token', 'create', 'ui-reader']) };
    await cli(['grant', '--experiment', visibleId, '--user', 'ui-reader', '--permission', 'READ']);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  });

  after(async () => {
    await browser?.close();
  });

  async function open(credentials: Credentials): Promise<{ context: BrowserContext; page: Page; seen: Seen[] }> {
    const context = await browser.newContext({
      httpCredentials: { username: credentials.username, password: credentials.token, origin: world.gateway.url },
      viewport: { width: 1400, height: 900 },
    });
    const page = await context.newPage();
    const seen: Seen[] = [];
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (url.origin === world.gateway.url) {
        seen.push({
          method: response.request().method(),
          path: url.pathname,
          status: response.status(),
          refused: response.headers()['x-mlgate-error-code'] ?? null,
        });
      }
    });
    return { context, page, seen };
  }

  async function screenshot(page: Page, name: string): Promise<void> {
    const dir = process.env['UI_SCREENSHOT_DIR'];
    if (dir !== undefined && dir !== '') {
      mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: join(dir, name) });
    }
  }

  /** Waits for the UI's first answer on `path` while `action` runs. */
  async function answerTo(page: Page, path: string, action: () => Promise<unknown>): Promise<number> {
    const [response] = await Promise.all([
      page.waitForResponse((r) => new URL(r.url()).pathname === path, { timeout: 60_000 }),
      action(),
    ]);
    return response.status();
  }

  /** The run's metric chart: the bulk metric history the chart draws, then the chart itself. */
  async function metricChart(page: Page): Promise<void> {
    const url = `${world.gateway.url}/#/experiments/${visibleId}/runs/${runId}/model-metrics`;
    const path = '/ajax-api/2.0/mlflow/metrics/get-history-bulk-interval';
    expect(await answerTo(page, path, () => page.goto(url)), `GET ${path}`).to.equal(200);
    await page.locator('.js-plotly-plot').first().waitFor();
    await page.getByText('loss').first().waitFor();
  }

  /** The run's artifacts tab: the list, then the file's content. */
  async function artifact(page: Page): Promise<void> {
    const url = `${world.gateway.url}/#/experiments/${visibleId}/runs/${runId}/artifacts`;
    const list = '/ajax-api/2.0/mlflow/artifacts/list';
    expect(await answerTo(page, list, () => page.goto(url)), `GET ${list}`).to.equal(200);
    const file = page.getByText('notes.txt').first();
    await file.waitFor();
    expect(await answerTo(page, '/get-artifact', () => file.click()), 'GET /get-artifact').to.equal(200);
    await page.getByText('visible notes').first().waitFor();
  }

  it('asks for credentials: the page is refused without them, with WWW-Authenticate: Basic', async () => {
    const answer = await fetch(`${world.gateway.url}/`);
    expect(answer.status).to.equal(401);
    expect(answer.headers.get('www-authenticate')).to.match(/^Basic realm=/);
  });

  it('lists only the experiments the user may read', async () => {
    const { context, page } = await open(reader);
    await page.goto(`${world.gateway.url}/#/experiments`);
    await page.getByText(visibleName).first().waitFor();
    expect(await page.getByText(hiddenName).count()).to.equal(0);
    await context.close();
  });

  it("shows the readable experiment's runs", async () => {
    const { context, page } = await open(reader);
    await page.goto(`${world.gateway.url}/#/experiments/${visibleId}/runs`);
    await page.getByText('ui-run').first().waitFor();
    await page.getByText('1 matching run').first().waitFor();
    await screenshot(page, 'ui-experiment-page-read-user.png');
    await context.close();
  });

  it('opens a run of it: its parameter and metric, through GraphQL', async () => {
    const { context, page, seen } = await open(reader);
    await page.goto(`${world.gateway.url}/#/experiments/${visibleId}/runs/${runId}`);
    await page.getByText('learning_rate').first().waitFor();
    await page.getByText('0.01').first().waitFor();
    await page.getByText('loss').first().waitFor();
    const graphql = seen.filter((s) => s.path === '/graphql');
    expect(graphql).not.to.deep.equal([]);
    expect(
      graphql.every((s) => s.status === 200 && s.refused === null),
      JSON.stringify(graphql),
    ).to.equal(true);
    await context.close();
  });

  it("draws the run's metric chart", async () => {
    const { context, page } = await open(reader);
    await metricChart(page);
    await context.close();
  });

  it("lists the run's artifacts and shows one", async () => {
    const { context, page } = await open(reader);
    await artifact(page);
    await context.close();
  });

  it('refuses the other experiment with a clear message', async () => {
    const { context, page } = await open(reader);
    await page.goto(`${world.gateway.url}/#/experiments/${hiddenId}/runs`);
    await page.getByText(`GetExperiment needs READ on experiment ${hiddenId}`).first().waitFor();
    await page.getByText('Permission denied').first().waitFor();
    expect(await page.getByText('hidden-run').count()).to.equal(0);
    await screenshot(page, 'ui-refused-experiment-read-user.png');
    await context.close();
  });

  it('refuses a run of the other experiment with a clear message', async () => {
    const { context, page } = await open(reader);
    await page.goto(`${world.gateway.url}/#/experiments/${hiddenId}/runs/${hiddenRunId}`);
    await page.getByText(`GetRun needs READ on the experiment of run ${hiddenRunId}`).first().waitFor();
    expect(await page.getByText('hidden-run').count()).to.equal(0);
    await context.close();
  });

  it('shows an administrator the same chart and artifact (the pages themselves work)', async () => {
    const { context, page } = await open(world.users.admin);
    await metricChart(page);
    await artifact(page);
    await context.close();
  });
});
