package io.vigil.jobs.alerts.notify;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A JSON POST with a hard timeout; the shared transport of the HTTP notifiers. */
final class HttpPoster {
  private final HttpClient client;
  private final Duration timeout;

  HttpPoster(Duration timeout) {
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  Delivery post(String url, String body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(timeout)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(b::header);
    HttpResponse<Void> r = client.send(b.build(), HttpResponse.BodyHandlers.discarding());
    return Delivery.ofHttp(r.statusCode());
  }
}
