package dev.netloom.testing;

import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.Authority;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.UserManager;
import org.apache.ftpserver.impl.DefaultFtpServer;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.usermanager.PropertiesUserManagerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.WritePermission;

import java.nio.file.Path;
import java.util.List;

/**
 * Apache FtpServer, the peer that judges netloom's FTP client: on 127.0.0.1 and a free port,
 * with one user ({@link #USER}/{@link #PASSWORD}) allowed to write, whose home (and root) is
 * {@code home}. Passive ports are any free ones; active mode is on.
 */
public final class ApacheFtp implements AutoCloseable {

    public static final String USER = "alice";
    public static final String PASSWORD = "s3cret pass";

    private final FtpServer server;
    private final int port;

    private ApacheFtp(FtpServer server, int port) {
        this.server = server;
        this.port = port;
    }

    public static ApacheFtp start(Path home) throws FtpException {
        FtpServerFactory factory = new FtpServerFactory();
        ListenerFactory listener = new ListenerFactory();
        listener.setServerAddress("127.0.0.1");
        listener.setPort(0);
        factory.addListener("default", listener.createListener());
        UserManager users = new PropertiesUserManagerFactory().createUserManager();
        BaseUser user = new BaseUser();
        user.setName(USER);
        user.setPassword(PASSWORD);
        user.setHomeDirectory(home.toString());
        user.setAuthorities(List.<Authority>of(new WritePermission()));
        users.save(user);
        factory.setUserManager(users);
        FtpServer server = factory.createServer();
        server.start();
        return new ApacheFtp(server, ((DefaultFtpServer) server).getListener("default").getPort());
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        server.stop();
    }
}
