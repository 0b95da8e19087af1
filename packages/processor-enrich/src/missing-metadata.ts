/** The detail of a `missing-metadata` diagnostic: why the object was not found, so explain says what to fix. */
import type { ClusterMetadata } from '@kubestats/core';

export function missingMetadataDetail(metadata: ClusterMetadata | undefined, object: string): string {
  if (!metadata) return `${object}: no cluster metadata configured (run with an apiserver to enrich)`;
  if (!metadata.isSynced()) return `${object}: not in the metadata cache, which has not finished its initial sync`;
  return `${object}: not in the metadata cache (deleted, or not yet seen by the informer)`;
}
