package org.kmsagent.agent.licensing.eventlog;

import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.kmsagent.agent.core.text.Guids;
import org.kmsagent.agent.host.ObservedRequest;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.InputSource;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * Reads a genuine KMS host's event 12290 ("an activation request has been processed", docs/kms-rules.md §7) from
 * the XML {@code EvtRender} produces. The request's fields are the event's {@code <EventData>} {@code <Data>} items,
 * by position: result (HRESULT), minimum count needed, client FQDN, CMID, client time stamp, VM flag, license state,
 * minutes to state expiration, SKU id. Eight items (no result) and one comma-delimited item (Microsoft documents
 * the parameters as one string) are read the same way.
 *
 * <p>The parser is hardened: secure processing, no DOCTYPE, no external entities or XInclude. Anything it cannot
 * read is a {@link MalformedEventException} naming the record id (when readable) and what is wrong.
 */
public final class KmsEventXml {
    /** The event id of a request the host processed. */
    public static final int REQUEST_EVENT = 12290;

    private KmsEventXml() {}

    /**
     * The event's identity.
     *
     * @param eventId its event id
     * @param recordId its record id in the log
     * @param created when it was logged
     */
    public record EventKey(int eventId, long recordId, Instant created) {}

    /** The request in {@code xml}, or empty if the event is not a 12290 (another event of the same channel). */
    public static Optional<ObservedRequest> parse(String xml) throws MalformedEventException {
        Element event = root(xml);
        EventKey key = key(event);
        if (key.eventId() != REQUEST_EVENT) {
            return Optional.empty();
        }
        long id = key.recordId();
        List<String> data = new ArrayList<>();
        Element eventData = child(event, "EventData");
        if (eventData == null) {
            throw new MalformedEventException(id, "event 12290 record " + id + " has no <EventData>");
        }
        for (Node n = eventData.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && "Data".equals(e.getLocalName())) {
                data.add(e.getTextContent().trim());
            }
        }
        if (data.size() == 1 && data.get(0).contains(",")) {
            data = new ArrayList<>();
            for (String part : eventDataString(eventData).split(",", -1)) {
                data.add(part.trim());
            }
        }
        String result;
        if (data.size() == 9) {
            result = data.remove(0);
        } else if (data.size() == 8) {
            result = "";
        } else {
            throw new MalformedEventException(
                    id,
                    "event 12290 record " + id + ": expected 8 or 9 <Data> items (minimum"
                            + " count, FQDN, CMID, client time, VM flag, license state, minutes to expiration, SKU id), got "
                            + data.size());
        }
        int required = (int) number(id, "minimum count needed", data.get(0), 0, 1_000);
        String fqdn = text(id, "client FQDN", data.get(1));
        String cmid = text(id, "CMID", data.get(2));
        String clientTime = data.get(3);
        int state = (int) number(id, "license state", data.get(5), 0, 1_000);
        long minutes = number(id, "minutes to state expiration", data.get(6), 0, Integer.MAX_VALUE * 2L);
        String sku = text(id, "SKU id", data.get(7));
        Element computer = child(child(event, "System"), "Computer");
        return Optional.of(new ObservedRequest(
                id,
                key.created(),
                computer == null ? "" : computer.getTextContent().trim(),
                result,
                required,
                fqdn,
                Guids.bare(cmid),
                clientTime,
                state,
                minutes,
                Guids.bare(sku)));
    }

    /** The event id, record id and creation time of {@code xml}. */
    public static EventKey key(String xml) throws MalformedEventException {
        return key(root(xml));
    }

    private static EventKey key(Element event) throws MalformedEventException {
        Element system = child(event, "System");
        if (system == null) {
            throw new MalformedEventException(-1, "event without <System>");
        }
        Element rid = child(system, "EventRecordID");
        long id;
        try {
            id = rid == null ? -1 : Long.parseLong(rid.getTextContent().trim());
        } catch (NumberFormatException e) {
            id = -1;
        }
        if (id < 0) {
            throw new MalformedEventException(-1, "event without a readable <EventRecordID>");
        }
        Element eventId = child(system, "EventID");
        int eid;
        try {
            eid = Integer.parseInt(
                    eventId == null ? "" : eventId.getTextContent().trim());
        } catch (NumberFormatException e) {
            throw new MalformedEventException(id, "record " + id + ": no readable <EventID>");
        }
        Element created = child(system, "TimeCreated");
        String when = created == null ? "" : created.getAttribute("SystemTime");
        try {
            return new EventKey(eid, id, Instant.parse(when));
        } catch (DateTimeParseException e) {
            throw new MalformedEventException(
                    id, "record " + id + ": <TimeCreated SystemTime> is not an ISO-8601 UTC" + " time: '" + when + "'");
        }
    }

    private static String eventDataString(Element eventData) {
        for (Node n = eventData.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && "Data".equals(e.getLocalName())) {
                return e.getTextContent();
            }
        }
        return "";
    }

    private static long number(long id, String field, String value, long min, long max) throws MalformedEventException {
        try {
            long v = Long.parseLong(value);
            if (v >= min && v <= max) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new MalformedEventException(
                id,
                "event 12290 record " + id + ": " + field + " is not a number in " + min + ".." + max + ": '" + value
                        + "'");
    }

    private static String text(long id, String field, String value) throws MalformedEventException {
        if (value.isEmpty()) {
            throw new MalformedEventException(id, "event 12290 record " + id + ": " + field + " is empty");
        }
        return value;
    }

    private static Element child(Element parent, String localName) {
        if (parent == null) {
            return null;
        }
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    private static Element root(String xml) throws MalformedEventException {
        try {
            Document doc = builder().parse(new InputSource(new StringReader(xml)));
            Element root = doc.getDocumentElement();
            if (!"Event".equals(root.getLocalName())) {
                throw new MalformedEventException(-1, "expected an <Event> element, got <" + root.getNodeName() + ">");
            }
            return root;
        } catch (SAXException | IOException e) {
            throw new MalformedEventException(recordIdByText(xml), "event XML is not well-formed: " + e.getMessage());
        }
    }

    /** The record id of an event whose XML does not parse, found by text, or -1. */
    private static long recordIdByText(String xml) {
        int at = xml.indexOf("<EventRecordID>");
        if (at < 0) {
            return -1;
        }
        int from = at + "<EventRecordID>".length();
        int to = xml.indexOf('<', from);
        try {
            return to < 0 ? -1 : Long.parseLong(xml.substring(from, to).trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static DocumentBuilder builder() {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature("http://xml.org/sax/features/external-general-entities", false);
            f.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_DTD, "");
            f.setAttribute(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(new DefaultHandler()); // fatal errors throw, nothing printed
            return b;
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be hardened: " + e.getMessage(), e);
        }
    }
}
