package io.vigil.jobs.alerts;

import io.vigil.common.alerts.AlertTransition;
import io.vigil.common.alerts.Signal;
import io.vigil.common.model.Anomaly;
import io.vigil.common.model.MetricPoint;
import io.vigil.common.rules.Route;
import io.vigil.common.rules.RuleEvent;
import io.vigil.jobs.alerts.cep.AnomalyCountPattern;
import io.vigil.jobs.alerts.cep.FlappingPattern;
import io.vigil.jobs.alerts.cep.RuleMatchFunction;
import io.vigil.jobs.alerts.cep.SequencePattern;
import io.vigil.jobs.alerts.cep.SingleHitPattern;
import io.vigil.jobs.alerts.cep.ThresholdForPattern;
import io.vigil.jobs.alerts.functions.AbsenceFunction;
import io.vigil.jobs.alerts.functions.AlertLifecycleFunction;
import io.vigil.jobs.alerts.functions.ControlPlaneState;
import io.vigil.jobs.alerts.functions.FlappingChangeFunction;
import io.vigil.jobs.alerts.functions.InhibitionFunction;
import io.vigil.jobs.alerts.functions.LateEventCounterFunction;
import io.vigil.jobs.alerts.functions.LateRuleEventToDeadLetterFunction;
import io.vigil.jobs.alerts.functions.LateToleranceOperator;
import io.vigil.jobs.alerts.functions.NotificationFanOutFunction;
import io.vigil.jobs.alerts.functions.NotificationGroupFunction;
import io.vigil.jobs.alerts.functions.RuleRateLimitFunction;
import io.vigil.jobs.alerts.functions.RuleRouterFunction;
import io.vigil.jobs.alerts.functions.ThresholdChangeFunction;
import io.vigil.jobs.alerts.notify.NotificationRequest;
import io.vigil.jobs.alerts.notify.NotificationResult;
import io.vigil.jobs.alerts.notify.NotifyAsyncFunction;
import io.vigil.jobs.alerts.source.ControlPlanePoller;
import io.vigil.jobs.alerts.source.ControlPlaneSource;
import io.vigil.jobs.core.DeadLetter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.OutputTag;

/**
 * Wires alerting: rules broadcast from PostgreSQL, per-kind evaluators (CEP patterns and the
 * deadman), the alert lifecycle, the alerts topic and table, and asynchronous notifications. See
 * DESIGN.md beside this class.
 */
public final class AlertingPipeline {
  static final OutputTag<RuleEvent> LATE =
      new OutputTag<>("late-rule-events", TypeInformation.of(RuleEvent.class)) {};
  private static final TypeInformation<Signal> SIGNAL = TypeInformation.of(Signal.class);

  private AlertingPipeline() {}

  /**
   * Production wiring: control plane polled from PostgreSQL (read once when {@code bounded}, so a
   * bounded job can finish), Kafka and JDBC sinks. {@code points} may be null (anomalies only).
   */
  public static AlertingOutputs build(
      StreamExecutionEnvironment env,
      DataStream<MetricPoint> points,
      DataStream<Anomaly> anomalies,
      AlertingConfig config,
      boolean bounded) {
    var poller = new ControlPlanePoller(config.pgUrl(), config.pgUser(), config.pgPassword());
    return build(env, points, anomalies, config, poller, bounded, AlertingSinks.production(config));
  }

  /**
   * Wiring with the given control-plane poller (polled every {@code controlPollInterval}, or read
   * once when {@code bounded}; also what the operators read themselves when an element reaches them
   * before the first snapshot) and sinks. {@code points} may be null for a job that has no metric
   * points, such as the log job: only the anomaly rules (severity, k within T, sequences) are then
   * evaluated, and the point evaluators (threshold, flapping, deadman) are not built.
   */
  public static AlertingOutputs build(
      StreamExecutionEnvironment env,
      DataStream<MetricPoint> points,
      DataStream<Anomaly> anomalies,
      AlertingConfig config,
      ControlPlanePoller poller,
      boolean bounded,
      AlertingSinks sinks) {
    Source<ControlSnapshot, ?, ?> controlSource =
        bounded
            ? ControlPlaneSource.once(poller)
            : ControlPlaneSource.polling(poller, config.controlPollInterval());
    BroadcastStream<ControlSnapshot> control =
        env.fromSource(controlSource, ControlPlaneSource.watermarks(), "Alerting control plane")
            .uid(AlertingUids.CONTROL_SOURCE)
            .setParallelism(1)
            .broadcast(ControlPlaneState.DESCRIPTOR);
    long maxWindow = config.maxPatternWindow().toMillis();
    // Built in the same order as before the log job used it, so the metrics job's graph is
    // unchanged.
    SingleOutputStreamOperator<Signal> fromPoints =
        points == null
            ? null
            : points
                .connect(control)
                .process(new RuleRouterFunction<MetricPoint>(maxWindow, poller), SIGNAL)
                .uid(AlertingUids.POINT_ROUTER)
                .name("Route points to rules");
    SingleOutputStreamOperator<Signal> fromAnomalies =
        anomalies
            .connect(control)
            .process(new RuleRouterFunction<Anomaly>(maxWindow, poller), SIGNAL)
            .uid(AlertingUids.ANOMALY_ROUTER)
            .name("Route anomalies to rules");

    var max = config.maxPatternWindow();
    SingleOutputStreamOperator<RuleEvent> thresholdChanges = null;
    SingleOutputStreamOperator<Signal> threshold = null;
    DataStream<RuleEvent> singleHits = routed(fromAnomalies, Route.SINGLE_HIT);
    if (fromPoints != null) {
      thresholdChanges =
          routed(fromPoints, Route.THRESHOLD_FOR)
              .union(routed(fromPoints, Route.SINGLE_HIT))
              .keyBy(RuleEvent::groupKey)
              .process(
                  new ThresholdChangeFunction(
                      Math.max(1, config.staleAfter().toMillis() / 3),
                      config.absenceRetention().toMillis()),
                  TypeInformation.of(RuleEvent.class))
              .uid(AlertingUids.THRESHOLD_CHANGES)
              .name("Threshold: breaches and clears only");
      threshold =
          cep(
              thresholdChanges,
              ThresholdForPattern.create(max),
              AlertingUids.CEP_THRESHOLD_FOR,
              "CEP threshold held for duration",
              config);
      singleHits =
          thresholdChanges.getSideOutput(ThresholdChangeFunction.SINGLE_HIT).union(singleHits);
    }
    var single =
        cep(
            singleHits,
            SingleHitPattern.create(),
            AlertingUids.CEP_SINGLE_HIT,
            "CEP single hit",
            config);
    var count =
        cep(
            routed(fromAnomalies, Route.ANOMALY_COUNT),
            AnomalyCountPattern.create(max),
            AlertingUids.CEP_ANOMALY_COUNT,
            "CEP k anomalies within window",
            config);
    var sequence =
        cep(
            routed(fromAnomalies, Route.SEQUENCE),
            SequencePattern.create(max),
            AlertingUids.CEP_SEQUENCE,
            "CEP anomaly A then B",
            config);
    SingleOutputStreamOperator<Signal> flapping = null;
    DataStream<Signal> absence = null;
    if (fromPoints != null) {
      SingleOutputStreamOperator<RuleEvent> flappingChanges =
          routed(fromPoints, Route.FLAPPING)
              .keyBy(RuleEvent::groupKey)
              .process(
                  new FlappingChangeFunction(config.absenceRetention().toMillis()),
                  TypeInformation.of(RuleEvent.class))
              .uid(AlertingUids.FLAPPING_CHANGES)
              .name("Flapping: changes only");
      flapping =
          cep(
              flappingChanges,
              FlappingPattern.create(max),
              AlertingUids.CEP_FLAPPING,
              "CEP flapping",
              config);
      absence =
          routed(fromPoints, Route.ABSENCE)
              .keyBy(RuleEvent::groupKey)
              .process(new AbsenceFunction(config.absenceRetention().toMillis()), SIGNAL)
              .uid(AlertingUids.ABSENCE)
              .name("Deadman (no data)");
    }

    List<DataStream<RuleEvent>> late = new ArrayList<>();
    if (threshold != null) {
      late.add(threshold.getSideOutput(LATE));
    }
    late.addAll(
        List.of(
            single.getSideOutput(LATE), count.getSideOutput(LATE), sequence.getSideOutput(LATE)));
    if (flapping != null) {
      late.add(flapping.getSideOutput(LATE));
    }
    DataStream<RuleEvent> lateEvents =
        union(late)
            .map(new LateEventCounterFunction())
            .uid(AlertingUids.LATE_COUNTER)
            .name("Count late rule events");

    List<DataStream<Signal>> signals = new ArrayList<>();
    if (thresholdChanges != null) {
      signals.add(thresholdChanges.getSideOutput(ThresholdChangeFunction.SIGNALS));
      signals.add(threshold);
    }
    signals.addAll(List.of(single, count, sequence));
    if (flapping != null) {
      signals.add(flapping);
      signals.add(absence);
    }

    DataStream<AlertTransition> transitions =
        union(signals)
            .keyBy(Signal::fingerprint)
            .connect(control)
            .process(
                new AlertLifecycleFunction(
                    config.tickInterval().toMillis(), config.staleAfter().toMillis(), poller),
                TypeInformation.of(AlertTransition.class))
            .uid(AlertingUids.LIFECYCLE)
            .name("Alert lifecycle")
            .keyBy(AlertTransition::ruleId)
            .connect(control)
            .process(new RuleRateLimitFunction(poller), TypeInformation.of(AlertTransition.class))
            .uid(AlertingUids.RATE_LIMIT)
            .name("Max notifications per rule per hour")
            .keyBy(InhibitionFunction::key)
            .connect(control)
            .process(
                new InhibitionFunction(poller, bounded), TypeInformation.of(AlertTransition.class))
            .uid(AlertingUids.INHIBITION)
            .name("Inhibition");

    DataStream<NotificationResult> results = notifications(transitions, config, bounded);
    sink(transitions, results, sinks);
    return new AlertingOutputs(transitions, results, lateEvents, control);
  }

  /**
   * Sends the rule events no CEP operator could evaluate ({@link AlertingOutputs#lateEvents()}) to
   * the job's dead-letter sink.
   */
  public static void deadLetterLateEvents(AlertingOutputs outputs, Sink<DeadLetter> sink) {
    outputs
        .lateEvents()
        .map(new LateRuleEventToDeadLetterFunction(), TypeInformation.of(DeadLetter.class))
        .uid(AlertingUids.LATE_TO_DEAD_LETTERS)
        .name("Late rule events as dead letters")
        .sinkTo(sink)
        .uid(AlertingUids.LATE_DEAD_LETTER_SINK)
        .name("Late rule events: dead letters");
  }

  @SuppressWarnings("unchecked")
  private static <T> DataStream<T> union(List<DataStream<T>> streams) {
    return streams.get(0).union(streams.subList(1, streams.size()).toArray(DataStream[]::new));
  }

  private static DataStream<RuleEvent> routed(
      SingleOutputStreamOperator<Signal> router, Route route) {
    return router.getSideOutput(RuleRouterFunction.ROUTES.get(route));
  }

  /**
   * A CEP operator keyed by the rule events' group key, behind a chained {@link
   * LateToleranceOperator} that keeps a late event in its key's order from being dropped.
   */
  private static SingleOutputStreamOperator<Signal> cep(
      DataStream<RuleEvent> events,
      Pattern<RuleEvent, ?> pattern,
      String uid,
      String name,
      AlertingConfig config) {
    DataStream<RuleEvent> tolerated =
        events
            .keyBy(RuleEvent::groupKey)
            .transform(
                name + ": late tolerance",
                TypeInformation.of(RuleEvent.class),
                new LateToleranceOperator(
                    config.lateTolerance().toMillis(), config.absenceRetention().toMillis()))
            .uid(AlertingUids.lateTolerance(uid));
    KeyedStream<RuleEvent, String> keyed =
        DataStreamUtils.reinterpretAsKeyedStream(tolerated, RuleEvent::groupKey);
    return CEP.pattern(keyed, pattern)
        .inEventTime()
        .sideOutputLateData(LATE)
        .process(new RuleMatchFunction(), SIGNAL)
        .uid(uid)
        .name(name);
  }

  private static DataStream<NotificationResult> notifications(
      DataStream<AlertTransition> transitions, AlertingConfig config, boolean bounded) {
    TypeInformation<NotificationRequest> request = TypeInformation.of(NotificationRequest.class);
    SingleOutputStreamOperator<NotificationRequest> perChannel =
        transitions
            .process(new NotificationFanOutFunction(!bounded), request)
            .uid(AlertingUids.FAN_OUT)
            .name("Notification per channel");
    DataStream<NotificationRequest> requests = perChannel;
    if (!bounded) {
      requests =
          perChannel.union(
              perChannel
                  .getSideOutput(NotificationFanOutFunction.GROUPED)
                  .keyBy(NotificationGroupFunction::key)
                  .process(new NotificationGroupFunction(), request)
                  .uid(AlertingUids.NOTIFICATION_GROUPS)
                  .name("Group notifications (group_wait, group_interval)"));
    }
    var opts = config.notifyOptions();
    return AsyncDataStream.unorderedWait(
            requests,
            new NotifyAsyncFunction(config.channels(), opts, config.controlPollInterval()),
            opts.overallTimeout().toMillis(),
            TimeUnit.MILLISECONDS,
            config.notifyCapacity())
        .uid(AlertingUids.NOTIFY)
        .name("Notify (async)");
  }

  private static void sink(
      DataStream<AlertTransition> transitions,
      DataStream<NotificationResult> results,
      AlertingSinks sinks) {
    if (sinks.alertsKafka() != null) {
      transitions
          .sinkTo(sinks.alertsKafka())
          .uid(AlertingUids.ALERTS_KAFKA_SINK)
          .name("Alerts to Kafka");
    }
    if (sinks.alertsDb() != null) {
      transitions
          .sinkTo(sinks.alertsDb())
          .uid(AlertingUids.ALERTS_JDBC_SINK)
          .name("Alerts to PostgreSQL");
    }
    if (sinks.notificationResults() != null) {
      results
          .sinkTo(sinks.notificationResults())
          .uid(AlertingUids.RESULTS_SINK)
          .name("Notification results");
    }
  }
}
