export { SessionTestKit } from './session-test-kit';
export type {
  SessionCarrier,
  TestPrincipal,
  TestSession,
  TestSignInOptions,
} from './session-test-kit';
