import { createMemoryStore } from '../../../src/store/memory/store.js';
import { storeContract } from '../../contract/store.js';
import { storeVersionContract } from '../../contract/store-version.js';
import { storeVersionRacesContract } from '../../contract/store-version-races.js';
import { storePagesContract } from '../../contract/store-pages.js';

describe('in-memory store', () => {
  const store = createMemoryStore();
  storeContract(() => store);
  storeVersionContract(() => store);
  storeVersionRacesContract(() => store);
  storePagesContract(() => store);
});
