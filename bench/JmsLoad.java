import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * bench/JmsLoad.java - PRODUCERS concurrent JMS producers (Artemis' client over CORE, each its own connection) send
 * COUNT persistent TextMessages (the JSON in FILE) to mail.submit, each send waiting for the broker's durable store.
 * Usage: java -cp target/mailhub.jar:CLASSES JmsLoad URL USER PASSWORD PRODUCERS COUNT FILE
 * Prints the wall time of the sends in microseconds; exits non-zero when a send failed.
 */
public final class JmsLoad {
    public static void main(String[] a) throws Exception {
        String url = a[0], user = a[1], password = a[2];
        int producers = Integer.parseInt(a[3]), count = Integer.parseInt(a[4]);
        String json = Files.readString(Path.of(a[5]));
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(url);
        cf.setBlockOnDurableSend(true);
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int p = 0; p < producers; p++) {
            Thread t = new Thread(() -> {
                try (Connection c = cf.createConnection(user, password)) {
                    Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                    MessageProducer producer = s.createProducer(s.createQueue("mail.submit"));
                    producer.setDeliveryMode(DeliveryMode.PERSISTENT);
                    while (next.getAndIncrement() < count) {
                        producer.send(s.createTextMessage(json));
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                    e.printStackTrace();
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        System.out.println((System.nanoTime() - start) / 1000);
        System.exit(failed.get() == 0 ? 0 : 1);
    }
}
