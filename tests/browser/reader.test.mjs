// Reader pages in a real browser (the system's Chromium, driven by Playwright):
// layout from 320 px phones to wide screens, images that load, no console
// errors, accessibility (axe-core), keyboard access, and reading with
// JavaScript turned off.
//
// Run by scripts/test after the Rust tests:
//   MASTHEAD_BIN=target/debug/masthead node --test tests/browser/

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

const binary = process.env.MASTHEAD_BIN ?? 'target/debug/masthead';
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const seedPath = '/world/us-doubtful-on-ukraine-ceasefire';
const pages = [
  '/',
  seedPath,
  '/world',
  '/tag/ukraine',
  '/author/elena-marchetti',
  '/search?q=ceasefire',
  '/topic/antony-blinken',
  '/no-such-page',
];
const widths = [320, 375, 768, 1280, 1920];

let server;
let dataDir;
let base;
let browser;

/** Starts `masthead serve` on port 0 and resolves with the URL it prints. */
function startServer() {
  dataDir = mkdtempSync(join(tmpdir(), 'masthead-browser-'));
  server = spawn(binary, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dataDir, '--log', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('masthead did not print its URL within 60 s')), 60_000);
    server.on('exit', (code) => reject(new Error(`masthead exited early with code ${code}`)));
    createInterface({ input: server.stdout }).on('line', (line) => {
      const match = line.match(/ at (http:\/\/\S+?)\/?$/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
}

before(async () => {
  base = await startServer();
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      // No lookup leaves the machine: every host but the local one fails at once.
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
    ],
  });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** Opens `path` in a fresh page of the given width and collects what went wrong. */
async function open(path, width, options = {}) {
  const context = await browser.newContext({ viewport: { width, height: 900 }, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    // The 404 page's own status is expected; anything else logged as an error is a problem.
    if (message.type() === 'error' && !message.text().includes('404')) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('requestfailed', (request) => problems.push(`failed: ${request.url()}`));
  const response = await page.goto(base + path, { waitUntil: 'load' });
  return { context, page, response, problems };
}

describe('every reader page at every width', () => {
  for (const width of widths) {
    for (const path of pages) {
      test(`${path} at ${width} px fits the screen and loads cleanly`, { timeout: 30_000 }, async () => {
        const { context, page, response, problems } = await open(path, width);
        try {
          assert.equal(response.status(), path === '/no-such-page' ? 404 : 200);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `the page is ${overflow} px wider than the ${width} px screen`);
          const broken = await page.evaluate(async () => {
            // Lazy images below the fold load only when scrolled to; load them all now, with a bound on the wait.
            const images = [...document.images];
            for (const img of images) img.loading = 'eager';
            const settle = (img) =>
              img.complete
                ? Promise.resolve()
                : new Promise((resolve) => {
                    img.addEventListener('load', resolve, { once: true });
                    img.addEventListener('error', resolve, { once: true });
                    setTimeout(resolve, 5000);
                  });
            await Promise.all(images.map(settle));
            return images.filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.src);
          });
          assert.deepEqual(broken, [], 'images that did not load');
          const tooWide = await page.evaluate(() =>
            [...document.querySelectorAll('main *')]
              .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
              .map((el) => el.tagName + '.' + el.className),
          );
          assert.deepEqual(tooWide, [], 'elements reaching past the right edge');
          assert.deepEqual(problems, []);
        } finally {
          await context.close();
        }
      });
    }
  }
});

describe('accessibility (axe-core, WCAG 2.2 A and AA rules)', () => {
  for (const path of pages) {
    for (const width of [375, 1280]) {
      test(`${path} at ${width} px has no accessibility violations`, { timeout: 30_000 }, async () => {
        // The site's Content-Security-Policy forbids injected scripts; the test lifts it to run axe.
        const { context, page } = await open(path, width, { bypassCSP: true });
        try {
          await page.addScriptTag({ path: axeSource });
          const violations = await page.evaluate(async () => {
            const result = await window.axe.run(document, {
              runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
            });
            return result.violations.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
          });
          assert.deepEqual(violations, []);
        } finally {
          await context.close();
        }
      });
    }
  }
});

test('the seed article reads completely with JavaScript turned off', { timeout: 30_000 }, async () => {
  const { context, page } = await open(seedPath, 375, { javaScriptEnabled: false });
  try {
    assert.equal(await page.locator('h1').innerText(), 'US Doubtful on Ukraine Ceasefire Amid Lack of Russian Good Faith');
    assert.equal(await page.locator('.article-body h2').count(), 2);
    assert.ok(await page.locator('figure.lead-image img').isVisible());
    assert.ok(await page.locator('form.comment-form').isVisible());
  } finally {
    await context.close();
  }
});

test('a READ ALSO link takes the reader to that story', { timeout: 30_000 }, async () => {
  const { context, page } = await open(seedPath, 1280);
  try {
    const link = page.locator('.read-also a').first();
    const headline = await link.innerText();
    await Promise.all([page.waitForURL('**/world/putin-alleges-us-election-rigging'), link.click()]);
    assert.equal(await page.locator('h1').innerText(), headline);
  } finally {
    await context.close();
  }
});

test('the keyboard reaches the skip link first and it jumps to the content', { timeout: 30_000 }, async () => {
  const { context, page } = await open('/', 1280);
  try {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim());
    assert.equal(focused, 'Skip to content');
    assert.ok(await page.locator('.skip-link').isVisible(), 'the focused skip link is visible');
    await page.keyboard.press('Enter');
    assert.ok(page.url().endsWith('#main'));
  } finally {
    await context.close();
  }
});

test('the comment form fields are labelled and required where they must be', { timeout: 30_000 }, async () => {
  const { context, page } = await open(seedPath, 768);
  try {
    assert.ok(await page.getByLabel('Name', { exact: true }).isVisible());
    assert.ok(await page.getByLabel('Comment', { exact: true }).isVisible());
    assert.equal(await page.getByLabel('Name', { exact: true }).getAttribute('required'), '');
    assert.equal(await page.locator('#comment-email').getAttribute('required'), null);
  } finally {
    await context.close();
  }
});

describe('searching the archive', () => {
  test('the search box in the header finds the seed article first, with the words marked', { timeout: 30_000 }, async () => {
    const { context, page, problems } = await open('/', 375);
    try {
      await page.fill('#site-search-q', 'Blinken Davos');
      await Promise.all([page.waitForURL(/\/search\?q=Blinken/), page.press('#site-search-q', 'Enter')]);
      const first = await page.locator('.search-result h2 a').first().getAttribute('href');
      assert.equal(first, seedPath);
      assert.ok((await page.locator('.search-result mark').count()) > 0, 'matched words are marked');
      await page.selectOption('#search-section', 'business');
      await Promise.all([page.waitForURL(/section=business/), page.click('.search-main button')]);
      const hrefs = await page.locator('.search-result h2 a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
      assert.ok(!hrefs.includes(seedPath), 'the section filter leaves the world story out');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
