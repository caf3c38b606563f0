package org.siteconnect.gateway.privacy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.util.List;
import java.util.function.Function;
import org.siteconnect.gateway.store.Database;
import org.siteconnect.gateway.store.Dialect;

/**
 * Export and erasure of one visitor's records over the node's database (embedded or the cluster's PostgreSQL).
 * Each runs in one transaction under one advisory lock, so exports and erasures take turns across nodes: an export
 * sees a visitor before or after an erasure, never half of it, and concurrent erasures count each row once.
 */
public final class PrivacyStore {
  /** The export's format name; bump the number when a field changes meaning. */
  static final String FORMAT = "siteconnect-visitor-export/1";
  /** Records of one kind in one export (a chat line is at most a few KB: the document stays within megabytes). */
  static final int EXPORT_LIMIT = 2_000;

  private final Database db;
  private final List<VisitorRecords> kinds;

  public PrivacyStore(Database db) {
    this(db, StoredRecords.KINDS);
  }

  PrivacyStore(Database db, List<VisitorRecords> kinds) {
    this.db = db;
    this.kinds = kinds;
  }

  /** The visitor the selector names on the scope's sites (possibly nobody: empty sets). */
  public Future<Visitor> find(VisitorSelector selector, SiteScope scope) {
    return locked(conn -> VisitorLookup.resolve(conn, selector, scope));
  }

  /**
   * {@code {format, exportedAt, selector, counts, truncated, records: {kind: […]}}}, of the scope's sites only:
   * a visitor of other sites is an empty export, as if unknown.
   */
  public Future<JsonObject> export(VisitorSelector selector, SiteScope scope) {
    return locked(conn -> VisitorLookup.resolve(conn, selector, scope).compose(visitor -> {
      JsonObject counts = new JsonObject();
      JsonObject records = new JsonObject();
      JsonArray truncated = new JsonArray();
      if (visitor.truncated()) {
        truncated.add("visitor");
      }
      Future<Void> chain = Future.succeededFuture();
      for (VisitorRecords kind : kinds) {
        chain = chain.compose(v -> kind.export(conn, visitor, EXPORT_LIMIT).map(list -> {
          counts.put(kind.kind(), list.size());
          records.put(kind.kind(), new JsonArray(List.copyOf(list)));
          if (list.size() >= EXPORT_LIMIT) {
            truncated.add(kind.kind());
          }
          return null;
        }));
      }
      return chain.map(v -> new JsonObject()
          .put("format", FORMAT)
          .put("exportedAt", Instant.now().toString())
          .put("selector", selector.toJson())
          .put("counts", counts)
          .put("truncated", truncated)
          .put("records", records));
    }));
  }

  /**
   * Deletes (or anonymises) the records of exactly this visitor, as found earlier (so within the scope it was
   * found in): what was created since is left for the next erasure. → {@code {kind: rows}}.
   */
  public Future<JsonObject> erase(Visitor visitor) {
    return locked(conn -> {
      JsonObject counts = new JsonObject();
      Future<Void> chain = Future.succeededFuture();
      for (VisitorRecords kind : kinds) {
        chain = chain.compose(v -> kind.erase(conn, visitor).map(n -> {
          counts.put(kind.kind(), n);
          return null;
        }));
      }
      return chain.map(v -> counts);
    });
  }

  private <T> Future<T> locked(Function<SqlConnection, Future<T>> work) {
    return db.inTransaction(conn -> db.dialect()
        .lockUntilCommit(conn, Dialect.PRIVACY_LOCKS, "visitors")
        .compose(locked -> work.apply(conn)));
  }
}
