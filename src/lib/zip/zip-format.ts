/** The ZIP format's numbers that Atlas's reader and writer share (PKWARE APPNOTE, sections 4.3 and 4.4). */

export const LOCAL_SIGNATURE = 0x04034b50;
export const CENTRAL_SIGNATURE = 0x02014b50;
export const EOCD_SIGNATURE = 0x06054b50;
/** Fixed sizes of a local file header, a central directory entry and the end of central directory record. */
export const LOCAL_BYTES = 30;
export const CENTRAL_BYTES = 46;
export const EOCD_BYTES = 22;
/** General purpose flag bit 11: names are UTF-8. */
export const FLAG_UTF8 = 0x0800;
export const METHOD_STORED = 0;
export const METHOD_DEFLATED = 8;
/** "Version made by" host: Unix, whose external attributes carry the file mode in their high 16 bits. */
export const HOST_UNIX = 3;
