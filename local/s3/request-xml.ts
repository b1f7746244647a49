import { malformedXml } from './s3-error';
import { parseXml, XmlSyntaxError, type XmlElement } from './xml';

/** Parses a request's XML body whose root must be `root`; anything else is S3's MalformedXML. */
export function parseRequestXml(body: Buffer, root: string): XmlElement {
  try {
    const document = parseXml(body.toString('utf8'));
    if (document.name !== root) throw malformedXml();
    return document;
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw malformedXml();
    throw error;
  }
}
