import { createMemoryStore } from '../../../src/store/memory/store.js';
import { storeContract } from '../../contract/store.js';

describe('in-memory store', () => {
  const store = createMemoryStore();
  storeContract(() => store);
});
