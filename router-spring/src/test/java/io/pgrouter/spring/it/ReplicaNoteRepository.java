package io.pgrouter.spring.it;

import io.pgrouter.spring.ReadOnly;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.Repository;

/** A repository annotated as a whole: no transaction of its own, every query on a replica. */
@ReadOnly
public interface ReplicaNoteRepository extends Repository<Note, Long> {

    @Query(
            value = "select cast(pg_is_in_recovery() as text) || ':' || cast(inet_server_port() as text)",
            nativeQuery = true)
    String where();
}
