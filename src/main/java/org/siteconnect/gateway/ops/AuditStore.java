package org.siteconnect.gateway.ops;

import io.vertx.core.Future;
import java.util.List;

/** Where audit entries are kept: the embedded database, or PostgreSQL when clustered. */
public interface AuditStore {
  Future<Void> record(
      long at, String actor, String action, String target, String detail, String address);

  /** Entries at or after {@code since}, newest first, at most {@code limit}; a null action or actor matches any. */
  Future<List<AuditEntry>> query(String action, String actor, long since, int limit);

  /** Deletes entries older than the cut-off; returns how many went. */
  Future<Integer> purgeBefore(long cutoffMillis);
}
