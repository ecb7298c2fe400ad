package dev.netloom;

import dev.netloom.core.ServiceType;
import dev.netloom.chat.ChatService;
import dev.netloom.chat.ChatTlsService;
import dev.netloom.chat.UdpChatService;
import dev.netloom.echo.EchoService;
import dev.netloom.echo.UdpEchoService;
import dev.netloom.echo.UdpUpperService;
import dev.netloom.echo.UpperService;
import dev.netloom.ftp.FtpService;
import dev.netloom.http.HttpService;
import dev.netloom.kv.KvService;
import dev.netloom.ping.PingService;
import dev.netloom.rest.RestService;
import dev.netloom.smtp.SmtpService;

import java.util.List;

/** Every service netloom can run, in the order {@code services} lists them. */
public final class Catalogue {

    private Catalogue() {
    }

    public static List<ServiceType> all() {
        return List.of(EchoService.type(), UpperService.type(), UdpEchoService.type(), UdpUpperService.type(),
                ChatService.type(), ChatTlsService.type(), UdpChatService.type(), HttpService.type(), RestService.type(),
                KvService.type(), FtpService.type(), SmtpService.type(), PingService.type());
    }
}
