package io.pgrouter.spring.it;

import io.pgrouter.spring.ReadOnly;
import io.pgrouter.spring.UsePrimary;
import io.pgrouter.testkit.Where;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Called from {@link WhereService}, through its proxy. */
@Service
public class InnerService {

    private final JdbcTemplate jdbc;

    public InnerService(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    private Where where() {
        return jdbc.queryForObject(Where.QUERY, (rs, i) -> Where.from(rs));
    }

    @ReadOnly
    public Where readOnly() {
        return where();
    }

    @UsePrimary
    public Where usePrimary() {
        return where();
    }

    @Transactional(propagation = Propagation.REQUIRES_NEW)
    public Where requiresNewWrite() {
        jdbc.update("insert into note_log(text) values ('requires new')");
        return where();
    }
}
