package dev.netloom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link Arguments}: what each command line means, as netloom's hand-written loop read it before picocli did. */
class ArgumentsTest {

    /** The parse in one line: a usage message, HELP or VERSION, else the fields that are set. */
    private static String summary(String[] args) {
        Arguments a;
        try {
            a = Arguments.parse(args);
        } catch (Arguments.UsageException e) {
            return "usage:" + e.getMessage();
        }
        if (a.early() != null) {
            return a.early().name();
        }
        String set = (a.config() != null ? "config=" + a.config() + " " : "") + (a.commands() != null ? "c=" + a.commands() + " " : "")
                + (a.script() != null ? "f=" + a.script() + " " : "") + "rest=" + a.words();
        return set + (a.serve() ? " serve=true" : "") + (a.serveHelp() ? " sh=true" : "");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "-c | usage:option -c needs a value",
            "-f | usage:option -f needs a value",
            "--config | usage:option --config needs a value",
            "-c x | c=x rest=[]",
            "-c x -c y | c=y rest=[]",
            "-f s -c y | c=y f=s rest=[]",
            "--config a | config=a rest=[]",
            "--config=a | config=a rest=[]",
            "--config= | config= rest=[]",
            "--config a -c x | config=a c=x rest=[]",
            "serve echo --config f | config=f rest=[serve, echo] serve=true",
            "serve echo --config=f echo.port=0 | config=f rest=[serve, echo, echo.port=0] serve=true",
            "serve echo --config | usage:option --config needs a value",
            "serve --help | rest=[serve, --help] serve=true sh=true",
            "serve -h | rest=[serve, -h] serve=true sh=true",
            "help serve | rest=[help, serve] sh=true",
            "help serve x | rest=[help, serve, x]",
            "--config f help serve | config=f rest=[help, serve] sh=true",
            "ftp get u -c | rest=[ftp, get, u, -c]",
            "ftp get u -c x | rest=[ftp, get, u, -c, x]",
            "send -h | rest=[send, -h]",
            "send --version | rest=[send, --version]",
            "-h | HELP",
            "--help | HELP",
            "-V | VERSION",
            "--version | VERSION",
            "--version --help | VERSION",
            "--help --version | HELP",
            "--version -c | VERSION",
            "-c --version | c=--version rest=[]",
            "-c -h | c=-h rest=[]",
            "-f --config | f=--config rest=[]",
            "--config -c | config=-c rest=[]",
            "--config --help | config=--help rest=[]",
            "-x | rest=[-x]",
            "-x -c y | rest=[-x, -c, y]",
            "-- foo | rest=[--, foo]",
            "foo -- bar | rest=[foo, --, bar]",
            "-c=x | rest=[-c=x]",
            "-cx | rest=[-cx]",
            "-hV | rest=[-hV]",
            "--help=x | rest=[--help=x]",
            "--version=1 | rest=[--version=1]",
            "@file | rest=[@file]",
            "-c @file | c=@file rest=[]",
            "kv 6380 set k -c | rest=[kv, 6380, set, k, -c]",
            "-c x extra -f | c=x rest=[extra, -f]",
            "-f - | f=- rest=[]",
            "--conf x | rest=[--conf, x]",
            "--config a --config b | config=b rest=[]",
            "x --config a --config=b | config=b rest=[x]",
            "-c x --config | usage:option --config needs a value",
            "-h --config | HELP",
            "--config x -V | VERSION",
            "-C x | rest=[-C, x]",
            "--CONFIG x | rest=[--CONFIG, x]",
            "send tcp://x --config | usage:option --config needs a value",
            "--config --config | config=--config rest=[]",
            "--config --config x | config=--config rest=[x]",
            "serve -c x | rest=[serve, -c, x] serve=true",
            "-f=x | rest=[-f=x]",
            "--config=a=b | config=a=b rest=[]",
            "- x | rest=[-, x]",
            "--- x | rest=[---, x]",
            "-c - | c=- rest=[]",
            "-c= a -c b | rest=[-c=, a, -c, b]",
            "-h= x | rest=[-h=, x]",
            "-V=1 --config f -c | config=f rest=[-V=1, -c]",
            "--help= --config=q | config=q rest=[--help=]",
            "-c x -f=y z | c=x rest=[-f=y, z]",
            "--config a -f= z --config b | config=b rest=[-f=, z]",
            "-c -c=x | c=-c=x rest=[]",
            "-f -h=x | f=-h=x rest=[]"
    })
    void readsTheCommandLineAsBefore(String argv, String expected) {
        assertEquals(expected, summary(argv.split(" ")));
    }

    @Test
    void anEmptyArgumentIsAValueOrAWord() {
        assertEquals("c= rest=[]", summary(new String[] {"-c", ""}));
        assertEquals("rest=[, -c]", summary(new String[] {"", "-c"}));
        assertEquals("rest=[]", summary(new String[0]));
    }
}
