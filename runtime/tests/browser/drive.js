// Drives serve's operator page in headless Chromium, for
// runtime/tests/serve_page_browser.rs: log in, filter, open a run, replay it,
// with a screenshot of each step and an accessibility check (axe-core) of each
// page. Prints one JSON object: the steps seen and the accessibility violations.
//
// Environment: BASE (http://127.0.0.1:PORT), TOKEN (the operator token),
// CHROMIUM (the browser's path), SHOTS (the folder for the screenshots).
'use strict';

const fs = require('fs');
const path = require('path');
const { chromium } = require('playwright-core');

const { BASE, TOKEN, CHROMIUM, SHOTS } = process.env;
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const steps = [];
const violations = [];

async function check(page, name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'best-practice'] }),
  );
  for (const v of result.violations) {
    violations.push({ page: name, id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.html) });
  }
}

(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu'],
  });
  try {
    // The page's CSP forbids every script: axe is injected past it.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();

    let response = await page.goto(`${BASE}/`);
    steps.push(`GET / without a session: ${response.status()}`);
    await check(page, '1-login');

    // Keyboard only: the first Tab reaches the skip link.
    await page.keyboard.press('Tab');
    steps.push(`first Tab: ${await page.evaluate(() => document.activeElement.textContent.trim())}`);

    await page.getByLabel('Operator token').fill(TOKEN);
    // The login page is at `/` already, so waiting for that URL would not wait:
    // wait for the navigation the form's POST (and its redirect) starts.
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    await page.waitForURL(`${BASE}/`);
    steps.push(`logged in: ${await page.locator('h1').innerText()}`);
    await check(page, '2-runs');

    await page.getByLabel('Status').selectOption('dead');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/status=dead/);
    const statuses = await page.locator('tbody .status').allInnerTexts();
    steps.push(`filtered: ${statuses.length} runs, ${[...new Set(statuses)].join(',')}`);
    await check(page, '3-filtered');

    const first = page.locator('tbody a').first();
    const label = await first.innerText();
    await first.click();
    await page.waitForURL(/\/run\/\d+$/);
    steps.push(`opened: ${await page.locator('h1').innerText()}`);
    steps.push(`input shown as text: ${(await page.locator('pre').nth(1).innerText()).includes('<script>')}`);
    steps.push(`scripts in the page: ${await page.locator('script').count()}`);
    await check(page, '4-run');

    await page.getByRole('button', { name: 'Replay this run' }).click();
    await page.waitForURL(/\/run\/\d+$/);
    const replayOf = await page.locator('dt:has-text("Replay of") + dd').innerText();
    const heading = (await page.locator('h1').innerText()).split(' · ')[0];
    steps.push(`replayed ${label}: ${heading}, replay of ${replayOf}`);
    await check(page, '5-replayed');

    // A phone.
    await page.setViewportSize({ width: 390, height: 844 });
    response = await page.goto(`${BASE}/`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    steps.push(`phone: ${response.status()}, page wider than the screen: ${overflow}`);
    await check(page, '6-phone');
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify({ steps, violations }) + '\n');
})().catch((e) => {
  process.stderr.write(`${e.stack || e}\n`);
  process.exit(1);
});
