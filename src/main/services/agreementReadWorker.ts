/**
 * The agreement read worker (a sync worker; see services/agreementDocuments.ts): reads a corpus's
 * documents for agreement on a read-only connection of its own and posts them in packed batches,
 * then null. The corpus's integrity is checked by whoever started it (services/integrityCheck.ts).
 */
import type { AgreementDocument } from '../../shared/agreement/layers';
import { BATCH_DOCUMENTS, type DocumentBatch, packDocuments, readAgreementDocuments, type ReadInput } from './agreementDocuments';
import { openCorpusStore } from './corpusFiles';
import { syncWorkerSide } from './syncWorker';

const side = syncWorkerSide<ReadInput, DocumentBatch | null>();
try {
  const { path, annotators } = side.data;
  const store = openCorpusStore(path, { create: false, readOnly: true, deferIntegrityCheck: true });
  try {
    let batch: AgreementDocument[] = [];
    for (const doc of readAgreementDocuments(store, annotators)) {
      batch.push(doc);
      if (batch.length === BATCH_DOCUMENTS) {
        side.post(packDocuments(batch, annotators.length));
        batch = [];
      }
    }
    if (batch.length) side.post(packDocuments(batch, annotators.length));
  } finally {
    store.close();
  }
  // Last, once the store is closed: the thread that took it may stop this worker at once.
  side.post(null, true);
} catch (error) {
  side.fail(error);
}
