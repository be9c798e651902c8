-- Anomalies over time by severity (Grafana time series; $__timeFilter is Grafana's macro).
SELECT date_trunc('minute', detected_at) AS time, severity, count(*) AS anomalies
FROM anomalies
WHERE $__timeFilter(detected_at) AND tenant = '$tenant'
GROUP BY 1, 2 ORDER BY 1;

-- Latest anomalies with their explanation (table panel).
SELECT detected_at, severity, score, source, metric, tags,
       explanation->>'why' AS why, explanation->>'expected' AS expected, value
FROM anomalies
WHERE $__timeFilter(detected_at) AND tenant = '$tenant'
ORDER BY detected_at DESC LIMIT 200;
