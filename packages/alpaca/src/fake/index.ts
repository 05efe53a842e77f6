/**
 * `@ensemble/alpaca/fake`: the loopback fake Alpaca server (test support, and `ensemble fake-alpaca` for
 * demos). Not for production code paths: it is a separate entry so Lambdas never load it.
 */
export {
  createFakeAlpacaServer,
  type FakeAlpacaOptions,
  type FakeAlpacaServer,
  type FakeFault,
  type FakeRequest,
} from './server.ts';
