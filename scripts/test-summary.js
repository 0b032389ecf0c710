#!/usr/bin/env node
// Summarises jest's --json output: the suites that failed or were skipped, then exactly one last
// line `tests: N passed, N failed[, N skipped]`. Exits 1 when anything failed or no test ran.
//
//   node scripts/test-summary.js test/.artifacts/jest-results.json
//
// A suite that crashed before its tests ran (syntax error, failing import, failing hook) counts
// as one failed test, so a broken file can never make the run look green.
// process.getBuiltinModule instead of require(): plain Node, no lint rule about CommonJS imports.
const fs = process.getBuiltinModule('node:fs');
const path = process.getBuiltinModule('node:path');

const MAX_MESSAGE_LINES = 12;

function rel(file) {
  return path.relative(process.cwd(), file) || file;
}

function indent(text, prefix) {
  return text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');
}

function firstLines(text, max) {
  // Jest messages carry ANSI colours even in --ci; strip them for log files.
  // eslint-disable-next-line no-control-regex
  const lines = text
    .replace(/\u001b\[[0-9;]*m/g, '')
    .trimEnd()
    .split('\n');
  if (lines.length <= max) return lines.join('\n');
  return [...lines.slice(0, max), `… (${lines.length - max} more lines)`].join('\n');
}

function readResults(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    console.log(`jest produced no readable results at ${file}: ${err.message}`);
    return null;
  }
}

/** @param {any} suite */
function describeFailedSuite(suite) {
  const failed = (suite.assertionResults || []).filter((t) => t.status === 'failed');
  console.log(`  FAIL ${rel(suite.name)}`);
  for (const t of failed) console.log(`    ✕ ${t.fullName || t.title}`);
  if (suite.message) console.log(indent(firstLines(suite.message, MAX_MESSAGE_LINES), '      '));
  return failed.length;
}

/** @param {any} suite */
function describeSkips(suite) {
  const skipped = (suite.assertionResults || []).filter(
    (t) => t.status === 'pending' || t.status === 'todo' || t.status === 'skipped',
  );
  if (
    suite.status === 'skipped' ||
    (skipped.length > 0 && skipped.length === (suite.assertionResults || []).length)
  ) {
    console.log(`  SKIP ${rel(suite.name)} (whole file)`);
  } else if (skipped.length > 0) {
    console.log(`  SKIP ${rel(suite.name)} (${skipped.length} of ${suite.assertionResults.length} tests)`);
  } else {
    return;
  }
  // Jest has no skip reason field: by convention the reason is part of the test or describe title.
  const titles = [...new Set(skipped.map((t) => t.fullName || t.title))];
  for (const title of titles.slice(0, 10)) console.log(`    - ${title}${skippedStatus(skipped, title)}`);
  if (titles.length > 10) console.log(`    … and ${titles.length - 10} more`);
}

function skippedStatus(tests, title) {
  const t = tests.find((x) => (x.fullName || x.title) === title);
  return t && t.status === 'todo' ? ' (todo)' : '';
}

function main() {
  const file = process.argv[2] || 'test/.artifacts/jest-results.json';
  const results = readResults(file);
  if (!results) {
    console.log('tests: 0 passed, 1 failed');
    return 1;
  }
  const suites = Array.isArray(results.testResults) ? results.testResults : [];

  const failedSuites = suites.filter((s) => s.status === 'failed');
  let crashedSuites = 0;
  if (failedSuites.length > 0) console.log(`failed suites (${failedSuites.length}):`);
  for (const suite of failedSuites) {
    if (describeFailedSuite(suite) === 0) crashedSuites += 1;
  }
  const withSkips = suites.filter(
    (s) =>
      s.status === 'skipped' ||
      (s.assertionResults || []).some((t) => ['pending', 'todo', 'skipped'].includes(t.status)),
  );
  if (withSkips.length > 0)
    console.log(`skipped (${withSkips.length} file${withSkips.length === 1 ? '' : 's'}):`);
  withSkips.forEach(describeSkips);

  const passed = results.numPassedTests || 0;
  const failed =
    (results.numFailedTests || 0) + Math.max(results.numRuntimeErrorTestSuites || 0, crashedSuites);
  const skipped = (results.numPendingTests || 0) + (results.numTodoTests || 0);

  let exitCode = 0;
  if (failed > 0) exitCode = 1;
  if (passed + failed === 0) {
    console.log('no test ran (check the jest arguments and jest.config.js)');
    exitCode = 1;
  }
  if (results.success === false && failed === 0) {
    console.log('jest reported the run as unsuccessful (e.g. a coverage threshold or an open-handle error)');
    exitCode = 1;
  }
  console.log(`tests: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
  return exitCode;
}

process.exitCode = main();
