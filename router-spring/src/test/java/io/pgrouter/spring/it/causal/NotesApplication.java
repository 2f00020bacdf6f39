package io.pgrouter.spring.it.causal;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** A small service that writes notes and reads them back, through pgrouter, in a transaction each. */
@SpringBootApplication
public class NotesApplication {

    @Service
    public static class Notes {
        private final JdbcTemplate jdbc;

        public Notes(JdbcTemplate jdbc) {
            this.jdbc = jdbc;
        }

        @Transactional
        public long add() {
            return jdbc.queryForObject("insert into causal_notes (note) values ('n') returning id", Long.class);
        }

        @Transactional(readOnly = true)
        public boolean exists(long id) {
            return !jdbc.queryForList("select 1 from causal_notes where id = ?", id)
                    .isEmpty();
        }
    }

    @RestController
    public static class NotesController {
        private final Notes notes;

        public NotesController(Notes notes) {
            this.notes = notes;
        }

        @PostMapping("/notes")
        public long add() {
            return notes.add();
        }

        @GetMapping("/notes/{id}")
        public ResponseEntity<String> get(@PathVariable long id) {
            return notes.exists(id)
                    ? ResponseEntity.ok("found")
                    : ResponseEntity.notFound().build();
        }
    }
}
