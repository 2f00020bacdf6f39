package com.example.consumer;

import io.pgrouter.spring.ReadOnly;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;

/** One read and one write, each answering which server ran it. */
@RestController
public class ServerController {

    private static final String WHERE = "select pg_is_in_recovery() as in_recovery, inet_server_port() as port";

    private final JdbcTemplate jdbc;

    public ServerController(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @ReadOnly
    @GetMapping("/visits/server")
    public Map<String, Object> read() {
        return jdbc.queryForMap(WHERE);
    }

    @Transactional
    @PostMapping("/visits")
    public Map<String, Object> write() {
        jdbc.execute("create table if not exists visits (id bigserial primary key, at timestamptz not null default now())");
        jdbc.update("insert into visits default values");
        return jdbc.queryForMap(WHERE);
    }
}
