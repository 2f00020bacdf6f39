package io.pgrouter.spring.it;

import org.springframework.data.jpa.repository.JpaRepository;
import org.springframework.data.jpa.repository.Query;
import org.springframework.transaction.annotation.Transactional;

/** A plain Spring Data repository: its inherited reads run in read-only transactions. */
public interface NoteRepository extends JpaRepository<Note, Long> {

    /** Where a read-only repository transaction runs. */
    @Transactional(readOnly = true)
    @Query(
            value = "select cast(pg_is_in_recovery() as text) || ':' || cast(inet_server_port() as text)",
            nativeQuery = true)
    String whereReadOnly();

    /** Where a repository query without a read-only transaction runs. */
    @Transactional
    @Query(
            value = "select cast(pg_is_in_recovery() as text) || ':' || cast(inet_server_port() as text)",
            nativeQuery = true)
    String whereReadWrite();
}
