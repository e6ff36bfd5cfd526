// The newsroom in a real browser (the system's Chromium, driven by Playwright):
// a contributor signs in, uploads a photo, writes an article and submits it;
// an editor publishes it; readers see it with its photo. Every newsroom page
// is also checked with axe-core.
//
// Run by scripts/test after the Rust tests:
//   MASTHEAD_BIN=target/debug/masthead node --test tests/browser/newsroom.test.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const axeSource = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const binary = process.env.MASTHEAD_BIN ?? 'target/debug/masthead';
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const accounts = {
  admin: { email: 'ada@example.org', name: 'Ada Admin', role: 'admin', password: 'admin-password-1' },
  editor: { email: 'eddie@example.org', name: 'Eddie Editor', role: 'editor', password: 'editor-password-1' },
  contributor: { email: 'cora@example.org', name: 'Cora Contributor', role: 'contributor', password: 'contributor-password-1' },
};

let server;
let dataDir;
let base;
let browser;

/** `masthead user add … --password-stdin`, as the README tells a newcomer. */
function addAccount({ email, name, role, password }) {
  const result = spawnSync(
    binary,
    ['user', 'add', '--data-dir', dataDir, '--email', email, '--name', name, '--role', role, '--password-stdin'],
    { input: `${password}\n`, encoding: 'utf8' },
  );
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, new RegExp(`Created ${name} <${email}> as ${role}\\.`));
}

function startServer() {
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
  dataDir = mkdtempSync(join(tmpdir(), 'masthead-newsroom-'));
  for (const account of Object.values(accounts)) addAccount(account);
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
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
    ],
  });
});

after(async () => {
  await browser?.close();
  server?.kill('SIGTERM');
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

/** A fresh browser context that fails the test on any console error. */
async function newPage(width = 1280) {
  // The newsroom's Content-Security-Policy forbids injected scripts; the tests lift it to run axe.
  const context = await browser.newContext({ viewport: { width, height: 900 }, bypassCSP: true });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  return { context, page, problems };
}

async function signIn(page, account) {
  await page.goto(`${base}/admin`);
  // Not signed in: the newsroom sends the browser to the sign-in form.
  assert.match(page.url(), /\/admin\/sign-in\?next=\/admin$/);
  await page.getByLabel('Email address').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/admin`);
  await page.getByRole('heading', { level: 1, name: 'Articles' }).waitFor();
}

/** A 1600 × 1000 photo-like JPEG, drawn by the browser itself. */
async function drawPhoto(page) {
  const base64 = await page.evaluate(async () => {
    const canvas = document.createElement('canvas');
    canvas.width = 1600;
    canvas.height = 1000;
    const g = canvas.getContext('2d');
    const sky = g.createLinearGradient(0, 0, 0, 1000);
    sky.addColorStop(0, '#3a6ea5');
    sky.addColorStop(1, '#e8d8b0');
    g.fillStyle = sky;
    g.fillRect(0, 0, 1600, 1000);
    g.fillStyle = '#2b3a4a';
    g.fillRect(0, 700, 1600, 300);
    g.fillStyle = '#f0c060';
    g.beginPath();
    g.arc(1200, 280, 90, 0, Math.PI * 2);
    g.fill();
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let text = '';
    for (const byte of bytes) text += String.fromCharCode(byte);
    return btoa(text);
  });
  return Buffer.from(base64, 'base64');
}

async function axeViolations(page) {
  await page.addScriptTag({ path: axeSource });
  return page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] },
    });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

const headline = 'Delegates gather in Geneva as ceasefire talks resume';
let articleUrl;

describe('writing, reviewing and publishing an article with a photo', { concurrency: false }, () => {
  test('a contributor uploads a photo, writes an article and submits it', { timeout: 90_000 }, async () => {
    const { context, page, problems } = await newPage();
    try {
      await signIn(page, accounts.contributor);

      await page.getByRole('link', { name: 'Images' }).click();
      await page.getByLabel(/JPEG, PNG or WebP file/).setInputFiles({
        name: 'geneva.jpg',
        mimeType: 'image/jpeg',
        buffer: await drawPhoto(page),
      });
      await page.getByLabel('Caption').fill('Delegates arrive at the Palais des Nations.');
      await page.getByLabel('Credit').fill('Photo: Ana Ruiz/Masthead');
      await page.getByLabel('Alt text').fill('Delegates walking up the steps of a large building');
      await page.getByRole('button', { name: 'Upload' }).click();
      await page.getByRole('heading', { level: 1, name: 'Image' }).waitFor();
      const imageId = (await page.locator('code').last().textContent()).trim();
      assert.match(imageId, /^[0-9a-f-]{36}$/);

      await page.getByRole('link', { name: 'New article' }).click();
      await page.getByLabel('Headline').fill(headline);
      await page.getByLabel('Standfirst').fill('Negotiators meet for the first time in months.');
      const body = page.getByLabel('Body', { exact: true });
      await body.fill('Talks resumed on Monday.\n\n## What comes next\n\nBoth sides said they would stay for a week.');
      // The live preview renders the body as readers will see it, while typing.
      await page.locator('#preview h2', { hasText: 'What comes next' }).waitFor();
      await page.getByLabel('Section').selectOption('world');
      await page.getByLabel('Tags').fill('Geneva, Ceasefire');
      await page.getByLabel('Lead image').selectOption(imageId);
      await page.getByRole('button', { name: 'Save draft' }).click();
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      assert.equal(await page.locator('#article-status').textContent(), 'Draft');

      // A contributor may only hand the article over.
      const steps = await page.locator('.steps button').allTextContents();
      assert.deepEqual(steps, ['Submit for review']);
      await page.getByRole('button', { name: 'Submit for review' }).click();
      await page.getByRole('status').filter({ hasText: 'the article is now in review' }).waitFor();
      assert.equal(await page.locator('#article-status').textContent(), 'In review');

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.waitForURL(`${base}/admin/sign-in`);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('an editor finds it in review and publishes it', { timeout: 90_000 }, async () => {
    const { context, page, problems } = await newPage();
    try {
      await signIn(page, accounts.editor);
      await page.getByLabel('Status').selectOption('in_review');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.getByRole('link', { name: headline }).click();
      assert.deepEqual(await page.locator('.steps button').allTextContents(), [
        'Return to draft',
        'Publish now',
        'Schedule',
      ]);
      await page.getByRole('button', { name: 'Publish now' }).click();
      await page.getByRole('status').filter({ hasText: 'the article is now published' }).waitFor();
      await page.getByRole('link', { name: 'View on the site' }).click();
      await page.getByRole('heading', { level: 1, name: headline }).waitFor();
      articleUrl = page.url();
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('readers see the article with its photo, credit and responsive copies', { timeout: 60_000 }, async () => {
    const { context, page, problems } = await newPage(375);
    try {
      // The resized copies are made in the background; they appear within seconds.
      let srcset = null;
      for (let attempt = 0; attempt < 40 && !srcset; attempt += 1) {
        await page.goto(articleUrl);
        srcset = await page.locator('.lead-image img').getAttribute('srcset');
        if (!srcset) await page.waitForTimeout(250);
      }
      assert.match(srcset ?? '', /480w/);
      const image = page.locator('.lead-image img');
      await image.evaluate((img) => img.decode());
      const loaded = await image.evaluate((img) => ({ natural: img.naturalWidth, src: img.currentSrc }));
      assert.ok(loaded.natural > 0, 'the photo loads');
      // A 375 px phone gets a small copy, not the full upload.
      assert.match(loaded.src, /-(480|960)w\.(webp|jpg)$/);
      assert.match(await page.locator('.lead-image figcaption').textContent(), /Photo: Ana Ruiz\/Masthead/);
      assert.match(await page.locator('.article-body').textContent(), /Both sides said they would stay/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe('people, places and related stories in the editor', () => {
  test('an editor removes a suggested place and takes a quotation as a pull quote', { timeout: 60_000 }, async () => {
    const { context, page, problems } = await newPage();
    try {
      await signIn(page, accounts.editor);
      await page.getByLabel('Headline contains').fill('Ukraine Ceasefire');
      await page.getByRole('button', { name: 'Filter' }).click();
      await page.getByRole('link', { name: /US Doubtful on Ukraine Ceasefire/ }).click();
      const kyiv = page.locator('tr.topic', { hasText: 'Kyiv' });
      await kyiv.getByRole('button', { name: 'Remove' }).click();
      await page.getByRole('status').filter({ hasText: 'Topic removed.' }).waitFor();
      assert.match(await page.locator('tr.topic', { hasText: 'Kyiv' }).textContent(), /removed/);
      assert.ok((await page.locator('ol.related.suggested li').count()) > 0, 'related stories are suggested');
      await page.locator('.quotes li', { hasText: 'I don’t see it.' }).getByRole('button', { name: 'Use as pull quote' }).click();
      assert.match(await page.locator('#body_source').inputValue(), /```pull-quote\nquote: I don’t see it\.\nby: Antony Blinken/);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe('newsroom pages are accessible (axe-core: no serious or critical violations)', () => {
  const paths = ['/admin', '/admin/articles/new', '/admin/images', '/admin/account', '/admin/users', '/admin/comments', '/admin/comments?status=approved', '/admin/settings'];
  for (const width of [375, 1280]) {
    test(`every newsroom page at ${width} px`, { timeout: 90_000 }, async () => {
      const { context, page } = await newPage(width);
      try {
        await page.goto(`${base}/admin/sign-in`);
        assert.deepEqual(await axeViolations(page), [], '/admin/sign-in');
        await signIn(page, accounts.admin);
        const articleHref = await page.locator('table.list a').first().getAttribute('href');
        for (const path of [...paths, articleHref, `${articleHref}/revisions`]) {
          await page.goto(`${base}${path}`);
          assert.deepEqual(await axeViolations(page), [], path);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
          assert.ok(overflow <= 0, `${path} overflows by ${overflow} px at ${width} px`);
        }
      } finally {
        await context.close();
      }
    });
  }

  test('the editor saves with Ctrl+S and works from the keyboard', { timeout: 60_000 }, async () => {
    const { context, page, problems } = await newPage();
    try {
      await signIn(page, accounts.admin);
      await page.goto(`${base}/admin/articles/new`);
      await page.getByLabel('Headline').focus();
      await page.keyboard.type('Typed without a mouse');
      await page.keyboard.press('Control+s');
      await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      assert.equal(await page.getByLabel('Headline').inputValue(), 'Typed without a mouse');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});

describe('a reader comments on the seed article and a moderator approves it', { concurrency: false }, () => {
  const seed = '/world/us-doubtful-on-ukraine-ceasefire';
  const words = 'Posted from a real browser: the talks need guarantees.';

  test('the comment is posted without leaving the page and waits for a moderator', { timeout: 60_000 }, async () => {
    const { context, page, problems } = await newPage(375);
    try {
      await page.goto(`${base}${seed}`);
      await page.getByLabel('Name', { exact: true }).fill('Lena from Lviv');
      await page.getByLabel(/^Email/).fill('lena@example.org');
      await page.getByLabel('Comment', { exact: true }).fill(words);
      // A person takes more than a few seconds to write; the form refuses robots that do not.
      await page.waitForTimeout(3200);
      const url = page.url();
      await page.getByRole('button', { name: 'Post comment' }).click();
      await page.locator('#comment-status').filter({ hasText: 'will appear once a moderator has approved it' }).waitFor();
      assert.equal(page.url(), url, 'no page load');
      assert.equal(await page.getByLabel('Comment', { exact: true }).inputValue(), '');
      assert.equal(await page.locator('.comment-list').getByText(words).count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('an editor approves it in the moderation queue and readers see it', { timeout: 60_000 }, async () => {
    const { context, page, problems } = await newPage();
    try {
      await signIn(page, accounts.editor);
      await page.getByRole('link', { name: 'Comments' }).click();
      const held = page.locator('.held > li').filter({ hasText: words });
      await held.getByText('first comment from this reader').waitFor();
      await held.getByRole('button', { name: /^Approve/ }).click();
      await page.getByRole('status').filter({ hasText: 'Approve: 1 comment.' }).waitFor();
      await page.goto(`${base}${seed}`);
      const shown = page.locator('.comment-list .comment').filter({ hasText: words });
      await shown.waitFor();
      assert.match(await shown.locator('.comment-author').textContent(), /Lena from Lviv/);
      assert.equal(await page.locator('body').getByText('lena@example.org').count(), 0, 'emails are never shown');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test('with JavaScript off, the form still posts and comes back to the article', { timeout: 60_000 }, async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    try {
      await page.goto(`${base}${seed}`);
      await page.getByLabel('Name', { exact: true }).fill('Offline Reader');
      await page.getByLabel('Comment', { exact: true }).fill('Written with scripts turned off.');
      await page.waitForTimeout(3200);
      await page.getByRole('button', { name: 'Post comment' }).click();
      await page.waitForLoadState();
      const landed = page.url();
      // Held, or (since this browser's address already has an approved comment) published at once.
      assert.match(landed, /\?comment=(held#comments|published#comment-[0-9a-f-]+)$/);
      assert.match(await page.locator('.comment-notice').textContent(), /^Thank you/);
    } finally {
      await context.close();
    }
  });
});
