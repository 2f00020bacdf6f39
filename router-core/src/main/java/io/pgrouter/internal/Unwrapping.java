package io.pgrouter.internal;

import java.sql.SQLException;
import java.sql.Wrapper;

/** {@link Wrapper} for the router's JDBC delegates: their own types first, then whatever the driver's object wraps. */
final class Unwrapping {

    private Unwrapping() {}

    static <T> T unwrap(Object self, Wrapper delegate, Class<T> iface) throws SQLException {
        if (iface.isInstance(self)) {
            return iface.cast(self);
        }
        return delegate.unwrap(iface);
    }

    static boolean isWrapperFor(Object self, Wrapper delegate, Class<?> iface) throws SQLException {
        return iface.isInstance(self) || delegate.isWrapperFor(iface);
    }
}
