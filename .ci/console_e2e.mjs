// End-to-end test of the console in headless Chromium, driven by playwright-core (no browser download: Debian's
// chromium). Starts the `console` example on free ports, then: open the console, send a request from a route's
// "try it" form, see it arrive live, open it and check the event's requestContext.requestId against the response's
// x-amzn-RequestId, replay it, and invoke the SQS function with its sample event.
//
// node .ci/console_e2e.mjs <example binary> <chromium> [screenshot dir]
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import path from "node:path";

const require = createRequire(path.join(process.cwd(), "target/ci-node/package.json"));
const { chromium } = require("playwright-core");

const [bin, browserPath, shots = "target/console-e2e"] = process.argv.slice(2);
mkdirSync(shots, { recursive: true });

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAILED - ${name}: ${e.message}`);
  }
}
function assert(cond, message) {
  if (!cond) throw new Error(message);
}

// The app, on free ports; its banner says where.
const server = spawn(bin, ["--port", "0", "--lambda-port", "0"], { stdio: ["ignore", "pipe", "inherit"] });
const urls = await new Promise((resolve, reject) => {
  let out = "";
  const timer = setTimeout(() => reject(new Error("the app printed no console URL in 30 s:\n" + out)), 30000);
  server.stdout.on("data", (chunk) => {
    out += chunk;
    const console_ = out.match(/^Console on (http:\S+)/m);
    const api = out.match(/^Ready on (http:\S+)/m);
    if (console_ && api) {
      clearTimeout(timer);
      resolve({ console: console_[1], api: api[1] });
    }
  });
  server.on("exit", (code) => reject(new Error(`the app exited with ${code}:\n${out}`)));
});

const browser = await chromium.launch({
  executablePath: browserPath,
  args: ["--headless", "--no-sandbox", "--disable-background-networking"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(10000);
  page.on("pageerror", (e) => {
    failed++;
    console.log(`FAILED - a script error on the page: ${e.message}`);
  });
  await page.goto(urls.console);

  await check("the console opens and its live feed connects", async () => {
    await page.locator("#live", { hasText: "live" }).waitFor({ timeout: 10000 });
  });

  let sentId = 0;
  await check("a request from a route's try-it form goes through the gateway", async () => {
    await page.click("nav a[data-view=routes]");
    const row = page.locator('[data-testid=route-row][data-route="GET /greetings/{name}"]');
    await row.locator("[data-testid=try-it]").click();
    const form = page.locator(".tryit").first();
    await form.locator("[data-testid=try-path]").fill("/greetings/ann?lang=en");
    await form.locator("[data-testid=try-headers]").fill("x-demo: console");
    await form.locator("[data-testid=try-send]").click();
    await form.locator("[data-testid=try-status]", { hasText: "200" }).waitFor({ timeout: 10000 });
    const href = await form.locator("[data-testid=try-open]").getAttribute("href");
    sentId = Number(href.split("/").pop());
    assert(sentId > 0, `no invocation id in ${href}`);
    await page.screenshot({ path: path.join(shots, "console-routes.png") });
  });

  await check("it appears in the invocation list live, without a reload", async () => {
    await page.click("nav a[data-view=invocations]");
    await page.locator(`[data-testid=invocation-row][data-id="${sentId}"]`).waitFor({ timeout: 10000 });
  });

  await check("its event's requestContext.requestId is the response's x-amzn-RequestId", async () => {
    await page.locator(`[data-testid=invocation-row][data-id="${sentId}"]`).click();
    await page.locator("[data-testid=event]").waitFor();
    const event = JSON.parse(await page.locator("[data-testid=event]").innerText());
    const response = await page.locator("[data-testid=response]").innerText();
    const header = response.match(/^x-amzn-requestid: (\S+)$/m);
    assert(header, "no x-amzn-requestid in the recorded response:\n" + response);
    assert(event.requestContext.requestId === header[1], `${event.requestContext.requestId} != ${header[1]}`);
    assert(event.queryStringParameters.lang === "en", "the query did not reach the event");
    assert(event.headers["x-demo"] === "console", "the header did not reach the event");
    const logs = await page.locator("[data-testid=logs]").innerText();
    assert(/^START RequestId/m.test(logs) && /^REPORT RequestId/m.test(logs), "no START/REPORT in the log:\n" + logs);
    assert(logs.includes("greeting name=ann"), "the handler's own tracing line is missing:\n" + logs);
    const context = JSON.parse(await page.locator("[data-testid=context]").innerText());
    assert(context.env_config.function_name === "GetGreeting", "the Context is not the function's");
  });

  await check("copy as curl and as a TestClient test", async () => {
    await page.click("[data-testid=copy-curl]");
    const curl = await page.locator("[data-testid=snippet]").innerText();
    assert(curl.startsWith("curl -i -X GET") && curl.includes(`'${urls.api}/greetings/ann?lang=en'`), curl);
    await page.click("[data-testid=copy-test]");
    const test = await page.locator("[data-testid=snippet]").innerText();
    assert(test.includes('.get(r#"/greetings/ann?lang=en"#)') && test.includes("assert_eq!(res.status(), 200);"), test);
  });

  await check("replay sends it again and opens the new record", async () => {
    await page.click("[data-testid=replay]");
    await page.waitForFunction((id) => location.hash.startsWith("#invocations/") && Number(location.hash.split("/")[1]) > id, sentId);
    const title = page.locator("[data-testid=detail-title]");
    await title.filter({ hasText: "GET /greetings/ann" }).waitFor();
    const replayed = Number((await page.evaluate(() => location.hash)).split("/")[1]);
    await page.locator(`[data-testid=invocation-row][data-id="${replayed}"]`).waitFor({ timeout: 10000 });
    await page.screenshot({ path: path.join(shots, "console-invocations.png") });
  });

  await check("the gateway's own errors are recorded too (no route)", async () => {
    await fetch(urls.api + "/nowhere");
    await page.locator("[data-testid=invocation-row]", { hasText: "NoRoute" }).first().waitFor({ timeout: 10000 });
  });

  await check("a non-HTTP function is invoked with its sample event", async () => {
    await page.click("nav a[data-view=functions]");
    const card = page.locator('[data-testid=function][data-function="ProcessOrders"]');
    await page.waitForFunction(() => {
      const t = document.querySelector('[data-function="ProcessOrders"] [data-testid=fn-event]');
      return t && t.value.includes("aws:sqs");
    });
    await card.locator("[data-testid=fn-invoke]").click();
    await card.locator("[data-testid=fn-status]", { hasText: "ok" }).waitFor({ timeout: 10000 });
    const logs = await card.locator("[data-testid=fn-logs]").innerText();
    assert(logs.includes("processing a batch records=1"), logs);
    const output = JSON.parse(await card.locator("[data-testid=fn-output]").innerText());
    assert(Array.isArray(output.batchItemFailures), JSON.stringify(output));
    await card.screenshot({ path: path.join(shots, "console-functions.png") });
  });
} finally {
  await browser.close();
  server.kill("SIGTERM");
}
console.log(`console: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
