package dev.tether.gateway.webdis;

import dev.tether.gateway.Command;

/**
 * One Webdis request from parse to format.
 *
 * @param name    the command name as sent (the JSON key: {@code /get/k} answers {@code {"get":…}})
 * @param db      the database of a {@code /7/GET/k} prefix, or -1 for none
 * @param format  the output format chosen by the extension or {@code ?type=}
 * @param type    the Content-Type of a custom-type reply ({@code .html}, {@code ?type=…}), else null
 * @param jsonp   the JSONP callback ({@code ?jsonp=} or {@code ?callback=}), else null
 * @param sep     the separator of list items in text replies ({@code ?sep=}), "" by default
 */
public record WebdisRequest(Command command, String name, int db, WebdisFormat format, String type, String jsonp,
                            String sep) {

    public boolean subscribe() {
        return command.name().equals("SUBSCRIBE") || command.name().equals("PSUBSCRIBE");
    }
}
