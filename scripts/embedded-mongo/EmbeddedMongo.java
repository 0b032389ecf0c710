import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The embedded MongoDB wire-protocol server of development, tests and CI: mongo-java-server's
 * memory backend on one loopback address. Run as a single source file:
 *
 *   java -Xmx1g -cp '.cache/mongo-java-server-1.47.0/lib/*' scripts/embedded-mongo/EmbeddedMongo.java 127.0.0.1 27117
 *
 * It keeps nothing on disk: scripts/db.ts writes snapshots from outside, over the wire, and
 * restores the newest one into the empty server after it starts.
 */
public final class EmbeddedMongo {
  /**
   * The library's own versions stop at wire 8 (MongoDB 4.2), and MongoDB's Node driver 6+ refuses
   * servers below wire 9 ("requires at least MongoDB 4.2"). Report 5.0 / wire 13, whose commands
   * (OP_MSG, find, aggregate with cursors, findAndModify, createIndexes) are what the server implements.
   */
  private static final MongoVersion REPORTED = new MongoVersion() {
    @Override
    public List<Integer> getVersionArray() {
      return List.of(5, 0, 0);
    }

    @Override
    public int getWireVersion() {
      return 13;
    }
  };

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: EmbeddedMongo <host> <port>");
      System.exit(2);
    }
    String host = args[0];
    int port = Integer.parseInt(args[1]);
    MongoServer server = new MongoServer(new MemoryBackend().version(REPORTED));
    server.bind(host, port);
    System.out.println("embedded-mongo: listening on " + host + ":" + port + " (mongo-java-server, memory backend)");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdownNow();
      stopped.countDown();
    }));
    stopped.await();
  }
}
