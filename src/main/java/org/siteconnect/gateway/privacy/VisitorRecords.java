package org.siteconnect.gateway.privacy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;

/**
 * One kind of stored data about a visitor, as export and erasure see it. {@link StoredRecords#KINDS} lists the
 * kinds; a new kind (issue 19's chat attachments, keyed by {@link Visitor#chatIds()}) is one more entry there,
 * and one whose content lives outside the database removes it in {@link #erase} (inside the erasure's
 * transaction).
 */
public interface VisitorRecords {
  /** The key in the export's {@code counts} and {@code records}, e.g. {@code messages}. */
  String kind();

  /** At most {@code limit} records, oldest first. */
  Future<List<JsonObject>> export(SqlConnection conn, Visitor visitor, int limit);

  /** Deletes them, or irreversibly anonymises what must stay (audit events); how many rows changed. */
  Future<Integer> erase(SqlConnection conn, Visitor visitor);
}
