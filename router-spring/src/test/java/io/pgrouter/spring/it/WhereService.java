package io.pgrouter.spring.it;

import io.pgrouter.spring.ReadOnly;
import io.pgrouter.spring.UsePrimary;
import io.pgrouter.testkit.Where;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Every routing path, each answering where its session ran. */
@Service
public class WhereService {

    private final JdbcTemplate jdbc;
    private final JdbcClient client;
    private final InnerService inner;

    @PersistenceContext
    private EntityManager entityManager;

    public WhereService(JdbcTemplate jdbc, JdbcClient client, InnerService inner) {
        this.jdbc = jdbc;
        this.client = client;
        this.inner = inner;
    }

    Where where() {
        return jdbc.queryForObject(Where.QUERY, (rs, i) -> Where.from(rs));
    }

    public Where plain() {
        return where();
    }

    @Transactional(readOnly = true)
    public Where readOnlyTransaction() {
        return where();
    }

    @Transactional(readOnly = true)
    public Where readOnlyTransactionWithJdbcClient() {
        return client.sql(Where.QUERY).query((rs, i) -> Where.from(rs)).single();
    }

    @Transactional
    public Where readWriteTransaction() {
        return where();
    }

    @ReadOnly
    public Where readOnlyAnnotation() {
        return where();
    }

    @ReadOnly(maxStaleness = "30s")
    public Where readOnlyWithinStaleness() {
        return where();
    }

    @ReadOnly
    @Transactional
    public Where readOnlyAnnotationAroundATransaction() {
        return where();
    }

    @UsePrimary
    @Transactional(readOnly = true)
    public Where usePrimaryInAReadOnlyTransaction() {
        return where();
    }

    @ReadOnly
    public Where usePrimaryInsideReadOnly() {
        return inner.usePrimary();
    }

    /** The inner @ReadOnly call finds the transaction's connection already on the primary. */
    @Transactional
    public Where[] readOnlyInsideAReadWriteTransaction() {
        Where outer = where();
        return new Where[] {outer, inner.readOnly()};
    }

    /** The inner REQUIRES_NEW transaction takes its own connection and decides on its own. */
    @Transactional(readOnly = true)
    public Where[] requiresNewWriteInsideAReadOnlyTransaction() {
        Where outer = where();
        return new Where[] {outer, inner.requiresNewWrite(), where()};
    }

    @Transactional(readOnly = true)
    public Where jpaReadOnlyTransaction() {
        return jpaWhere();
    }

    @Transactional
    public Where jpaReadWriteTransaction() {
        return jpaWhere();
    }

    private Where jpaWhere() {
        return Where.from(
                (Object[]) entityManager.createNativeQuery(Where.QUERY).getSingleResult());
    }
}
