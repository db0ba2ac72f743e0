package com.acme.orders.client;

import java.time.Duration;
import software.amazon.awssdk.services.sqs.SqsClient;

/** Sends order events to the queue, with retries. */
@Component
public class OrderQueueClient {
    private static final int MAX_ATTEMPTS = 3;
    private final SqsClient sqs;
    private final String queueUrl;

    public OrderQueueClient(SqsClient sqs, @Value("${orders.queue-url}") String queueUrl) {
        this.sqs = sqs;
        this.queueUrl = queueUrl;
    }

    // send one message, retrying transient failures
    public String send(String body) throws InterruptedException {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            try {
                return sqs.sendMessage(b -> b.queueUrl(queueUrl).messageBody(body)).messageId();
            } catch (SqsException e) {
                Thread.sleep(Duration.ofMillis(200L * attempt).toMillis());
            }
        }
        throw new IllegalStateException("gave up after " + MAX_ATTEMPTS + " attempts");
    }

    interface Listener {
        void onSent(String id);
    }
}
