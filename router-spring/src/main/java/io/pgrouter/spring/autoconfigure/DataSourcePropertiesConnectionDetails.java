package io.pgrouter.spring.autoconfigure;

import org.springframework.boot.jdbc.autoconfigure.DataSourceProperties;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

/**
 * {@code spring.datasource.url}, {@code .username} and {@code .password} as connection details, for applications
 * without a {@link JdbcConnectionDetails} bean. Boot's own adapter is package-private and created only when Boot
 * makes the DataSource; unlike it, this one never invents an embedded database's URL or user.
 */
final class DataSourcePropertiesConnectionDetails implements JdbcConnectionDetails {

    private final DataSourceProperties properties;

    DataSourcePropertiesConnectionDetails(DataSourceProperties properties) {
        this.properties = properties;
    }

    @Override
    public String getJdbcUrl() {
        return properties.getUrl();
    }

    @Override
    public String getUsername() {
        return properties.getUsername();
    }

    @Override
    public String getPassword() {
        return properties.getPassword();
    }
}
