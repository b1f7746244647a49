import { CATALOG, subscribe } from '../events';

/**
 * record-event: every event of the catalog, matched by source prefix (shop., carrier.) so an event
 * the catalog does not know yet reaches the audit and fails into its DLQ rather than going unrecorded.
 */
export const RECORD_EVENT = subscribe(CATALOG, { match: 'source-prefixes' });
