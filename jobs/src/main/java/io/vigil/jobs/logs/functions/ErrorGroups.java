package io.vigil.jobs.logs.functions;

import io.vigil.common.logs.AffectedUsersCounter;
import io.vigil.common.logs.ErrorGroupKey;
import io.vigil.common.logs.ErrorGroupRow;
import io.vigil.common.logs.TemplateIds;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Helpers of {@link MineTemplatesFunction} for error-group state and rows. */
final class ErrorGroups {
  private ErrorGroups() {}

  static AffectedUsersCounter users(ErrorGroupState g) {
    try {
      return AffectedUsersCounter.restore(new DataInputStream(new ByteArrayInputStream(g.users())));
    } catch (IOException e) {
      throw new UncheckedIOException("affected-users state is unreadable", e);
    }
  }

  static byte[] bytes(AffectedUsersCounter c) {
    ByteArrayOutputStream bos = new ByteArrayOutputStream(64);
    try {
      c.snapshot(new DataOutputStream(bos));
    } catch (IOException e) {
      throw new UncheckedIOException("writing to memory can't fail", e);
    }
    return bos.toByteArray();
  }

  static ErrorGroupState merge(ErrorGroupState a, ErrorGroupState b) {
    AffectedUsersCounter users = users(a);
    users.merge(users(b));
    boolean bNewer = b.lastSeen() > a.lastSeen();
    return new ErrorGroupState(
        bNewer ? b.severity() : a.severity(),
        a.firstSeen() <= b.firstSeen() ? a.example() : b.example(),
        Math.min(a.firstSeen(), b.firstSeen()),
        Math.max(a.lastSeen(), b.lastSeen()),
        a.count() + b.count(),
        bytes(users),
        true);
  }

  static ErrorGroupState clean(ErrorGroupState g) {
    return new ErrorGroupState(
        g.severity(), g.example(), g.firstSeen(), g.lastSeen(), g.count(), g.users(), false);
  }

  static ErrorGroupRow row(
      String tenant,
      String service,
      long templateId,
      String template,
      ErrorGroupState g,
      String mergedInto) {
    AffectedUsersCounter users = users(g);
    return new ErrorGroupRow(
        tenant,
        service,
        ErrorGroupKey.hex(tenant, service, templateId),
        TemplateIds.toHex(templateId),
        template,
        g.severity(),
        g.example(),
        g.firstSeen(),
        g.lastSeen(),
        g.count(),
        users.count(),
        users.isExact(),
        mergedInto);
  }
}
