package org.siteconnect.gateway.privacy;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.List;

/**
 * One kind of stored data about a visitor, as export and erasure see it. {@link StoredRecords#KINDS} lists the
 * kinds; a new kind (issue 19's chat attachments) is one more implementation there, and its files are removed in
 * {@link #erase} (called inside the erasure's transaction, before the chats it belongs to go).
 */
public interface VisitorRecords {
  /** The key in the export's {@code counts} and {@code records}, e.g. {@code messages}. */
  String kind();

  /** At most {@code limit} records, oldest first. */
  Future<List<JsonObject>> export(SqlConnection conn, Visitor visitor, int limit);

  /** Deletes them, or irreversibly anonymises what must stay (audit events); how many rows changed. */
  Future<Integer> erase(SqlConnection conn, Visitor visitor);
}
