import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * bench/JmsLoad.java - PRODUCERS concurrent JMS producers (Artemis' client over CORE, each its own connection) send
 * persistent TextMessages (the JSON in FILE) to mail.submit, each send waiting for the broker's durable store.
 * Usage: java -cp target/mailhub.jar:CLASSES JmsLoad URL USER PASSWORD PRODUCERS COUNT FILE
 *   sends COUNT messages, prints the wall time of the sends in microseconds; exits non-zero when a send failed.
 * With COUNT "-": connects once, then reads a count per line from standard input and answers each with the wall time
 * of that round's sends (or "failed"), until end of input. The producers stay connected and their JVM stays warm
 * across rounds, as a long-running ERP's would: the benchmark then measures the door, not a load generator's start
 * and JIT warm-up (smtp-source, the SMTP load, is a C program).
 */
public final class JmsLoad {
    public static void main(String[] a) throws Exception {
        String url = a[0], user = a[1], password = a[2];
        int producers = Integer.parseInt(a[3]);
        String json = Files.readString(Path.of(a[5]));
        ActiveMQConnectionFactory cf = new ActiveMQConnectionFactory(url);
        cf.setBlockOnDurableSend(true);
        List<Connection> connections = new ArrayList<>();
        List<Session> sessions = new ArrayList<>();
        List<MessageProducer> senders = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            Connection c = cf.createConnection(user, password);
            Session s = c.createSession(false, Session.AUTO_ACKNOWLEDGE);
            MessageProducer producer = s.createProducer(s.createQueue("mail.submit"));
            producer.setDeliveryMode(DeliveryMode.PERSISTENT);
            connections.add(c);
            sessions.add(s);
            senders.add(producer);
        }
        if (!a[4].equals("-")) {
            long us = round(sessions, senders, json, Integer.parseInt(a[4]));
            System.out.println(us < 0 ? "failed" : String.valueOf(us));
            System.exit(us < 0 ? 1 : 0);
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
        for (String line; (line = in.readLine()) != null; ) {
            if (!line.isBlank()) {
                long us = round(sessions, senders, json, Integer.parseInt(line.strip()));
                System.out.println(us < 0 ? "failed" : String.valueOf(us));
                System.out.flush();
            }
        }
        for (Connection c : connections) {
            c.close();
        }
    }

    /** Sends COUNT messages over all producers at once; the wall time in microseconds, or -1 when a send failed. */
    private static long round(List<Session> sessions, List<MessageProducer> senders, String json, int count)
            throws Exception {
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        CyclicBarrier ready = new CyclicBarrier(senders.size() + 1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < senders.size(); p++) {
            Session s = sessions.get(p);
            MessageProducer producer = senders.get(p);
            Thread t = new Thread(() -> {
                try {
                    ready.await();
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
        ready.await();
        long start = System.nanoTime();
        for (Thread t : threads) {
            t.join();
        }
        return failed.get() == 0 ? (System.nanoTime() - start) / 1000 : -1;
    }
}
