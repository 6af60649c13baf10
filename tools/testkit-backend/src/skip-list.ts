/**
 * Tests the backend asks testkit to skip (`StartTest` → `SkipTest`), each with its reason: a gap
 * in @bolt/client we intend to close, or a test testkit cannot pass for a JavaScript driver; none
 * hides a failure we could fix here.
 * `test` is testkit's test id (`stub.<folder>.<module>.<Class>.<method>`); an entry ending in
 * `.` matches every test under that prefix.
 */
export interface SkipEntry {
  test: string;
  reason: string;
}

// testkit's assertions for these name the error class per driver language and define none for
// `javascript` (the official JS driver does not declare Result.Single, so never runs them): they
// fail for any JavaScript backend whatever the driver does. Our `single()` itself is covered by
// the other result-single tests, which run.
const NO_JS_ERROR_MAPPING =
  'testkit defines no expected error class for TEST_DRIVER_NAME=javascript in this test (it fails for any JavaScript backend)';

// testkit checks, for a JavaScript driver, the official driver's exact error text and code
// "N/A"; ours fails the same way (a usage BoltError, Neo.ClientError.Request.Invalid, before any
// query is sent) with its own words, which we do not copy.
const OFFICIAL_REAUTH_TEXT =
  'testkit expects the official JS driver\'s exact error text and code "N/A" for per-session auth before Bolt 5.1; ours is a usage error (Neo.ClientError.Request.Invalid) in its own words';
// testkit checks, for a JavaScript driver, the official driver's exact error text. Ours fails
// the same way (a usage BoltError: the records were dropped unread) in its own words.
const CONSUMED_RESULT =
  "testkit expects the official JS driver's exact error text for reading a consumed result; ours is a usage error (Neo.ClientError.Request.Invalid) in its own words";
// As above after a rollback or close; and a commit reads open results to the end (their records
// stay readable, as the client documents) where testkit's script expects them discarded (its
// result never ends).
const RESULT_AFTER_TX =
  "testkit expects the official JS driver's exact error text for reading a result after its transaction ended (ours: a usage error in its own words), and a commit that discards open results (ours reads them to the end: their records stay readable)";
const USER_SWITCHING = 'stub.authorization.test_user_switching.TestUserSwitchingV5x0.';
const RESULT_SCOPE = 'stub.iteration.test_result_scope.TestResultScope.';

/** testkit's routing classes: most routing tests exist once per protocol generation. */
const ROUTING_CLASSES = [
  'stub.routing.test_routing_v3.RoutingV3',
  'stub.routing.test_routing_v4x1.RoutingV4x1',
  'stub.routing.test_routing_v4x3.RoutingV4x3',
  'stub.routing.test_routing_v4x4.RoutingV4x4',
  'stub.routing.test_routing_v5x0.RoutingV5x0',
];

const inEveryRoutingClass = (method: string, reason: string): SkipEntry[] =>
  ROUTING_CLASSES.map((c) => ({ test: `${c}.${method}`, reason }));

const LAZY_TX_RUN =
  'expects tx.run() itself to raise the failure of its RUN: the client runs lazily and reports ' +
  'it at the first read or the commit, as the official JavaScript driver does (testkit skips ' +
  "the same expectation for JavaScript in tx_run's test_raises_error_on_tx_run)";
export const SKIPPED_TESTS: readonly SkipEntry[] = Object.freeze([
  {
    test: 'stub.authorization.verify_authentication.test_verify_authentication.TestVerifyAuthenticationV5x0.test_is_not_supported',
    reason: OFFICIAL_REAUTH_TEXT,
  },
  {
    test: 'stub.summary.test_summary.TestSummaryNotifications4x4.test_no_notifications',
    reason:
      'summary.notifications is always an array (empty when the server sent none, by design); testkit expects null before Bolt 5.6',
  },
  ...[
    'test_read_with_switch',
    'test_read_with_switch_inverse',
    'test_read_with_switch_routing',
    'test_read_with_switch_inverse_routing',
  ].map((m) => ({ test: USER_SWITCHING + m, reason: OFFICIAL_REAUTH_TEXT })),
  ...[
    'test_result_is_invalid_after_consume_session_run',
    'test_result_is_invalid_after_consume_tx_func',
    'test_result_is_invalid_after_consume_tx_run',
  ].map((m) => ({ test: RESULT_SCOPE + m, reason: CONSUMED_RESULT })),
  ...[
    'test_result_is_invalid_after_tx_ends_tx_func',
    'test_result_is_invalid_after_tx_ends_tx_run',
  ].map((m) => ({ test: RESULT_SCOPE + m, reason: RESULT_AFTER_TX })),
  {
    test: 'stub.iteration.test_result_single.TestResultSingle.test_result_single_with_0_records',
    reason: NO_JS_ERROR_MAPPING,
  },
  {
    test: 'stub.iteration.test_result_single.TestResultSingle.test_result_single_with_2_records',
    reason: NO_JS_ERROR_MAPPING,
  },
  {
    test: 'stub.iteration.test_result_single.TestResultSingle.test_result_single_with_disconnect',
    reason: NO_JS_ERROR_MAPPING,
  },
  {
    test: 'stub.iteration.test_result_optional_single.TestResultSingleOptional.test_result_single_optional_with_2_records',
    reason: NO_JS_ERROR_MAPPING,
  },
  {
    test: 'stub.iteration.test_result_optional_single.TestResultSingleOptional.test_result_single_optional_with_disconnect',
    reason: NO_JS_ERROR_MAPPING,
  },
  ...inEveryRoutingClass(
    'test_should_fail_when_writing_on_unexpectedly_interrupting_writer_using_tx_run',
    LAZY_TX_RUN,
  ),
  ...inEveryRoutingClass(
    'test_should_fail_when_writing_on_unexpectedly_interrupting_writer_on_run_using_tx_run',
    LAZY_TX_RUN,
  ),
]);

/** The reason to skip `testName`, or undefined to run it. */
export function skipReason(testName: string): string | undefined {
  for (const e of SKIPPED_TESTS)
    if (e.test.endsWith('.') ? testName.startsWith(e.test) : testName === e.test) return e.reason;
  return undefined;
}
