/** Read-your-writes for web applications: the request filter and the HTTP client interceptor for consistency tokens. */
package io.pgrouter.spring.web;
