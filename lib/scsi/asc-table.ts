/**
 * Additional sense codes and qualifiers (SPC-4 §4.5.6; T10's list asc-num.txt as of 2024-11-28,
 * 764 codes) as data. One line per code: ASC and ASCQ as four hex digits, a space, the text.
 * Codes that take a parameter in the ASCQ are ranges; ASC or ASCQ 80h–FFh are vendor specific
 * (lib/scsi/sense.ts says so).
 */
const LIST = `
0000 no additional sense information
0001 filemark detected
0002 end-of-partition/medium detected
0003 setmark detected
0004 beginning-of-partition/medium detected
0005 end-of-data detected
0006 I/O process terminated
0007 programmable early warning detected
0011 audio play operation in progress
0012 audio play operation paused
0013 audio play operation successfully completed
0014 audio play operation stopped due to error
0015 no current audio status to return
0016 operation in progress
0017 cleaning requested
0018 erase operation in progress
0019 locate operation in progress
001A rewind operation in progress
001B set capacity operation in progress
001C verify operation in progress
001D ATA pass through information available
001E conflicting SA creation request
001F logical unit transitioning to another power condition
0020 extended copy information available
0021 atomic command aborted due to ACA
0022 deferred microcode is pending
0023 overlapping atomic command in progress

0100 no index/sector signal

0200 no seek complete

0300 peripheral device write fault
0301 no write current
0302 excessive write errors

0400 logical unit not ready, cause not reportable
0401 logical unit is in process of becoming ready
0402 logical unit not ready, initializing command required
0403 logical unit not ready, manual intervention required
0404 logical unit not ready, format in progress
0405 logical unit not ready, rebuild in progress
0406 logical unit not ready, recalculation in progress
0407 logical unit not ready, operation in progress
0408 logical unit not ready, long write in progress
0409 logical unit not ready, self-test in progress
040A logical unit not accessible, asymmetric access state transition
040B logical unit not accessible, target port in standby state
040C logical unit not accessible, target port in unavailable state
040D logical unit not ready, structure check required
040E logical unit not ready, security session in progress
0410 logical unit not ready, auxiliary memory not accessible
0411 logical unit not ready, notify (enable spinup) required
0412 logical unit not ready, offline
0413 logical unit not ready, SA creation in progress
0414 logical unit not ready, space allocation in progress
0415 logical unit not ready, robotics disabled
0416 logical unit not ready, configuration required
0417 logical unit not ready, calibration required
0418 logical unit not ready, a door is open
0419 logical unit not ready, operating in sequential mode
041A logical unit not ready, start stop unit command in progress
041B logical unit not ready, sanitize in progress
041C logical unit not ready, additional power use not yet granted
041D logical unit not ready, configuration in progress
041E logical unit not ready, microcode activation required
041F logical unit not ready, microcode download required
0420 logical unit not ready, logical unit reset required
0421 logical unit not ready, hard reset required
0422 logical unit not ready, power cycle required
0423 logical unit not ready, affiliation required
0424 depopulation in progress
0425 depopulation restoration in progress

0500 logical unit does not respond to selection

0600 no reference position found

0700 multiple peripheral devices selected

0800 logical unit communication failure
0801 logical unit communication time-out
0802 logical unit communication parity error
0803 logical unit communication CRC error (Ultra-DMA/32)
0804 unreachable copy target

0900 track following error
0901 tracking servo failure
0902 focus servo failure
0903 spindle servo failure
0904 head select fault
0905 vibration induced tracking error

0A00 error log overflow

0B00 warning
0B01 warning - specified temperature exceeded
0B02 warning - enclosure degraded
0B03 warning - background self-test failed
0B04 warning - background pre-scan detected medium error
0B05 warning - background medium scan detected medium error
0B06 warning - non-volatile cache now volatile
0B07 warning - degraded power to non-volatile cache
0B08 warning - power loss expected
0B09 warning - device statistics notification active
0B0A warning - high critical temperature limit exceeded
0B0B warning - low critical temperature limit exceeded
0B0C warning - high operating temperature limit exceeded
0B0D warning - low operating temperature limit exceeded
0B0E warning - high critical humidity limit exceeded
0B0F warning - low critical humidity limit exceeded
0B10 warning - high operating humidity limit exceeded
0B11 warning - low operating humidity limit exceeded
0B12 warning - microcode security at risk
0B13 warning - microcode digital signature validation failure
0B14 warning - physical element status change

0C00 write error
0C01 write error - recovered with auto reallocation
0C02 write error - auto reallocation failed
0C03 write error - recommend reassignment
0C04 compression check miscompare error
0C05 data expansion occurred during compression
0C06 block not compressible
0C07 write error - recovery needed
0C08 write error - recovery failed
0C09 write error - loss of streaming
0C0A write error - padding blocks added
0C0B auxiliary memory write error
0C0C write error - unexpected unsolicited data
0C0D write error - not enough unsolicited data
0C0E multiple write errors
0C0F defects in error window
0C10 incomplete multiple atomic write operations
0C11 write error - recovery scan needed
0C12 write error - insufficient zone resources

0D00 error detected by third party temporary initiator
0D01 third party device failure
0D02 copy target device not reachable
0D03 incorrect copy target device type
0D04 copy target device data underrun
0D05 copy target device data overrun

0E00 invalid information unit
0E01 information unit too short
0E02 information unit too long
0E03 invalid field in command information unit

1000 ID CRC or ECC error
1001 logical block guard check failed
1002 logical block application tag check failed
1003 logical block reference tag check failed
1004 logical block protection error on recover buffered data
1005 logical block protection method error

1100 unrecovered read error
1101 read retries exhausted
1102 error too long to correct
1103 multiple read errors
1104 unrecovered read error - auto reallocate failed
1105 L-EC uncorrectable error
1106 CIRC unrecovered error
1107 data re-synchronization error
1108 incomplete block read
1109 no gap found
110A miscorrected error
110B unrecovered read error - recommend reassignment
110C unrecovered read error - recommend rewrite the data
110D de-compression CRC error
110E cannot decompress using declared algorithm
110F error reading UPC/EAN number
1110 error reading ISRC number
1111 read error - loss of streaming
1112 auxiliary memory read error
1113 read error - failed retransmission request
1114 read error - LBA marked bad by application client
1115 write after sanitize required

1200 address mark not found for ID field

1300 address mark not found for data field

1400 recorded entity not found
1401 record not found
1402 filemark or setmark not found
1403 end-of-data not found
1404 block sequence error
1405 record not found - recommend reassignment
1406 record not found - data auto-reallocated
1407 locate operation failure

1500 random positioning error
1501 mechanical positioning error
1502 positioning error detected by read of medium

1600 data synchronization mark error
1601 data sync error - data rewritten
1602 data sync error - recommend rewrite
1603 data sync error - data auto-reallocated
1604 data sync error - recommend reassignment

1700 recovered data with no error correction applied
1701 recovered data with retries
1702 recovered data with positive head offset
1703 recovered data with negative head offset
1704 recovered data with retries and/or circ applied
1705 recovered data using previous sector ID
1706 recovered data without ECC - data auto-reallocated
1707 recovered data without ECC - recommend reassignment
1708 recovered data without ECC - recommend rewrite
1709 recovered data without ECC - data rewritten

1800 recovered data with error correction applied
1801 recovered data with error corr. & retries applied
1802 recovered data - data auto-reallocated
1803 recovered data with CIRC
1804 recovered data with L-EC
1805 recovered data - recommend reassignment
1806 recovered data - recommend rewrite
1807 recovered data with ECC - data rewritten
1808 recovered data with linking

1900 defect list error
1901 defect list not available
1902 defect list error in primary list
1903 defect list error in grown list

1A00 parameter list length error

1B00 synchronous data transfer error

1C00 defect list not found
1C01 primary defect list not found
1C02 grown defect list not found

1D00 miscompare during verify operation
1D01 miscompare verify of unmapped LBA

1E00 recovered ID with ECC correction

1F00 partial defect list transfer

2000 invalid command operation code
2001 access denied - initiator pending-enrolled
2002 access denied - no access rights
2003 access denied - invalid mgmt ID key
2004 illegal command while in write capable state
2005 write type operation while in read capable state (obs)
2006 illegal command while in explicit address mode
2007 illegal command while in implicit address mode
2008 access denied - enrollment conflict
2009 access denied - invalid LU identifier
200A access denied - invalid proxy token
200B access denied - ACL LUN conflict
200C illegal command when not in append-only mode
200D not an administrative logical unit
200E not a subsidiary logical unit
200F not a conglomerate logical unit

2100 logical block address out of range
2101 invalid element address
2102 invalid address for write
2103 invalid write crossing layer jump
2104 unaligned write command
2105 write boundary violation
2106 attempt to read invalid data
2107 read boundary violation
2108 misaligned write command
2109 attempt to access gap zone

2200 illegal function (use 20 00, 24 00, or 26 00)

2300 invalid token operation, cause not reportable
2301 invalid token operation, unsupported token type
2302 invalid token operation, remote token usage not supported
2303 invalid token operation, remote ROD token creation not supported
2304 invalid token operation, token unknown
2305 invalid token operation, token corrupt
2306 invalid token operation, token revoked
2307 invalid token operation, token expired
2308 invalid token operation, token cancelled
2309 invalid token operation, token deleted
230A invalid token operation, invalid token length

2400 invalid field in CDB
2401 CDB decryption error
2402 invalid CDB field while in explicit block model (obs)
2403 invalid CDB field while in implicit block model (obs)
2404 security audit value frozen
2405 security working key frozen
2406 nonce not unique
2407 nonce timestamp out of range
2408 invalid xcdb
2409 invalid fast format

2500 logical unit not supported

2600 invalid field in parameter list
2601 parameter not supported
2602 parameter value invalid
2603 threshold parameters not supported
2604 invalid release of persistent reservation
2605 data decryption error
2606 too many target descriptors
2607 unsupported target descriptor type code
2608 too many segment descriptors
2609 unsupported segment descriptor type code
260A unexpected inexact segment
260B inline data length exceeded
260C invalid operation for copy source or destination
260D copy segment granularity violation
260E invalid parameter while port is enabled
260F invalid data-out buffer integrity check value
2610 data decryption key fail limit reached
2611 incomplete key-associated data set
2612 vendor specific key reference not found
2613 application tag mode page is invalid
2614 tape stream mirroring prevented
2615 copy source or copy destination not authorized
2616 fast copy not possible

2700 write protected
2701 hardware write protected
2702 logical unit software write protected
2703 associated write protect
2704 persistent write protect
2705 permanent write protect
2706 conditional write protect
2707 space allocation failed write protect
2708 zone is read only

2800 not ready to ready change, medium may have changed
2801 import or export element accessed
2802 format-layer may have changed
2803 import/export element accessed, medium changed

2900 power on, reset, or bus device reset occurred
2901 power on occurred
2902 SCSI bus reset occurred
2903 bus device reset function occurred
2904 device internal reset
2905 transceiver mode changed to single-ended
2906 transceiver mode changed to LVD
2907 I_T nexus loss occurred

2A00 parameters changed
2A01 mode parameters changed
2A02 log parameters changed
2A03 reservations preempted
2A04 reservations released
2A05 registrations preempted
2A06 asymmetric access state changed
2A07 implicit asymmetric access state transition failed
2A08 priority changed
2A09 capacity data has changed
2A0A error history i_t nexus cleared
2A0B error history snapshot released
2A0C error recovery attributes have changed
2A0D data encryption capabilities changed
2A10 timestamp changed
2A11 data encryption parameters changed by another i_t nexus
2A12 data encryption parameters changed by vendor specific event
2A13 data encryption key instance counter has changed
2A14 SA creation capabilities data has changed
2A15 medium removal prevention preempted
2A16 zone reset write pointer recommended

2B00 copy cannot execute since host cannot disconnect

2C00 command sequence error
2C01 too many windows specified
2C02 invalid combination of windows specified
2C03 current program area is not empty
2C04 current program area is empty
2C05 illegal power condition request
2C06 persistent prevent conflict
2C07 previous busy status
2C08 previous task set full status
2C09 previous reservation conflict status
2C0A partition or collection contains user objects
2C0B not reserved
2C0C ORWRITE generation does not match
2C0D reset write pointer not allowed
2C0E zone is offline
2C0F stream not open
2C10 unwritten data in zone
2C11 descriptor format sense data required
2C12 zone is inactive
2C13 well known logical unit access required

2D00 overwrite error on update in place

2E00 insufficient time for operation
2E01 command timeout before processing
2E02 command timeout during processing
2E03 command timeout during processing due to error recovery

2F00 commands cleared by another initiator
2F01 commands cleared by power loss notification
2F02 commands cleared by device server
2F03 some commands cleared by queuing layer event

3000 incompatible medium installed
3001 cannot read medium - unknown format
3002 cannot read medium - incompatible format
3003 cleaning cartridge installed
3004 cannot write medium - unknown format
3005 cannot write medium - incompatible format
3006 cannot format medium - incompatible medium
3007 cleaning failure
3008 cannot write - application code mismatch
3009 current session not fixated for append
300A cleaning request rejected
300B cleaning tape expired
300C WORM medium - overwrite attempted
300D WORM medium - integrity check
3010 medium not formatted
3011 incompatible volume type
3012 incompatible volume qualifier
3013 cleaning volume expired

3100 medium format corrupted
3101 format command failed
3102 zoned formatting failed due to spare linking
3103 sanitize command failed
3104 depopulation failed
3105 depopulation restoration failed

3200 no defect spare location available
3201 defect list update failure

3300 tape length error

3400 enclosure failure

3500 enclosure services failure
3501 unsupported enclosure function
3502 enclosure services unavailable
3503 enclosure services transfer failure
3504 enclosure services transfer refused
3505 enclosure services checksum error

3600 ribbon, ink, or toner failure

3700 rounded parameter

3800 event status notification
3802 esn - power management class event
3804 esn - media class event
3806 esn - device busy class event
3807 thin provisioning soft threshold reached
3808 depopulation interrupted
3809 depopulation restoration interrupted

3900 saving parameters not supported

3A00 medium not present
3A01 medium not present - tray closed
3A02 medium not present - tray open
3A03 medium not present - loadable
3A04 medium not present - medium auxiliary memory accessible

3B00 sequential positioning error
3B01 tape position error at beginning-of-medium
3B02 tape position error at end-of-medium
3B03 tape or electronic vertical forms unit not ready
3B04 slew failure
3B05 paper jam
3B06 failed to sense top-of-form
3B07 failed to sense bottom-of-form
3B08 reposition error
3B09 read past end of medium
3B0A read past beginning of medium
3B0B position past end of medium
3B0C position past beginning of medium
3B0D medium destination element full
3B0E medium source element empty
3B0F end of medium reached
3B11 medium magazine not accessible
3B12 medium magazine removed
3B13 medium magazine inserted
3B14 medium magazine locked
3B15 medium magazine unlocked
3B16 mechanical positioning or changer error
3B17 read past end of user object
3B18 element disabled
3B19 element enabled
3B1A data transfer device removed
3B1B data transfer device inserted
3B1C too many logical objects on partition to support operation
3B20 element static information changed

3D00 invalid bits in identify message

3E00 logical unit has not self-configured yet
3E01 logical unit failure
3E02 timeout on logical unit
3E03 logical unit failed self-test
3E04 logical unit unable to update self-test log

3F00 target operating conditions have changed
3F01 microcode has been changed
3F02 changed operating definition
3F03 inquiry data has changed
3F04 component device attached
3F05 device identifier changed
3F06 redundancy group created or modified
3F07 redundancy group deleted
3F08 spare created or modified
3F09 spare deleted
3F0A volume set created or modified
3F0B volume set deleted
3F0C volume set deassigned
3F0D volume set reassigned
3F0E reported luns data has changed
3F0F echo buffer overwritten
3F10 medium loadable
3F11 medium auxiliary memory accessible
3F12 iSCSI IP address added
3F13 iSCSI IP address removed
3F14 iSCSI IP address changed
3F15 inspect referrals sense descriptors
3F16 microcode has been changed without reset
3F17 zone transition to full
3F18 bind completed
3F19 bind redirected
3F1A subsidiary binding changed

4000 RAM failure (should use 40 nn)

4100 data path failure (should use 40 nn)

4200 power-on or self-test failure (should use 40 nn)

4300 message error

4400 internal target failure
4401 persistent reservation information lost
4471 ATA device failed Set Features

4500 select or reselect failure

4600 unsuccessful soft reset

4700 SCSI parity error
4701 data phase CRC error detected
4702 SCSI parity error detected during st data phase
4703 information unit iuCRC error detected
4704 asynchronous information protection error detected
4705 protocol service CRC error
4706 phy test function in progress
477F some commands cleared by iSCSI protocol event

4800 initiator detected error message received

4900 invalid message error

4A00 command phase error

4B00 data phase error
4B01 invalid target port transfer tag received
4B02 too much write data
4B03 ack/nak timeout
4B04 nak received
4B05 data offset error
4B06 initiator response timeout
4B07 connection lost
4B08 data-in buffer overflow - data buffer size
4B09 data-in buffer overflow - data buffer descriptor area
4B0A data-in buffer error
4B0B data-out buffer overflow - data buffer size
4B0C data-out buffer overflow - data buffer descriptor area
4B0D data-out buffer error
4B0E PCIe fabric error
4B0F PCIe completion timeout
4B10 PCIe completer abort
4B11 PCIe poisoned TLP received
4B12 PCIe ECRC check failed
4B13 PCIe unsupported request
4B14 PCIe ACS violation
4B15 PCIe TLP prefix blocked

4C00 logical unit failed self-configuration

4E00 overlapped commands attempted

5000 write append error
5001 write append position error
5002 position error related to timing

5100 erase failure
5101 erase failure - incomplete erase operation detected

5200 cartridge fault

5300 media load or eject failed
5301 unload tape failure
5302 medium removal prevented
5303 medium removal prevented by data transfer element
5304 medium thread or unthread failure
5305 volume identifier invalid
5306 volume identifier missing
5307 duplicate volume identifier
5308 element status unknown
5309 data transfer device error - load failed
530A data transfer device error - unload failed
530B data transfer device error - unload missing
530C data transfer device error - eject failed
530D data transfer device error - library communication failed

5400 SCSI to host system interface failure

5500 system resource failure
5501 system buffer full
5502 insufficient reservation resources
5503 insufficient resources
5504 insufficient registration resources
5505 insufficient access control resources
5506 auxiliary memory out of space
5507 quota error
5508 maximum number of supplemental decryption keys exceeded
5509 medium auxiliary memory not accessible
550A data currently unavailable
550B insufficient power for operation
550C insufficient resources to create ROD
550D insufficient resources to create ROD token
550E insufficient zone resources
550F insufficient zone resources to complete write
5510 maximum number of streams open
5511 insufficient resources to bind

5700 unable to recover table-of-contents

5800 generation does not exist

5900 updated block read

5A00 operator request or state change input
5A01 operator medium removal request
5A02 operator selected write protect
5A03 operator selected write permit

5B00 log exception
5B01 threshold condition met
5B02 log counter at maximum
5B03 log list codes exhausted

5C00 rpl status change
5C01 spindles synchronized
5C02 spindles not synchronized

5D00 failure prediction threshold exceeded
5D01 media failure prediction threshold exceeded
5D02 logical unit failure prediction threshold exceeded
5D03 spare area exhaustion prediction threshold exceeded
5D10 hardware impending failure general hard drive failure
5D11 hardware impending failure drive error rate too high
5D12 hardware impending failure data error rate too high
5D13 hardware impending failure seek error rate too high
5D14 hardware impending failure too many block reassigns
5D15 hardware impending failure access times too high
5D16 hardware impending failure start unit times too high
5D17 hardware impending failure channel parametrics
5D18 hardware impending failure controller detected
5D19 hardware impending failure throughput performance
5D1A hardware impending failure seek time performance
5D1B hardware impending failure spin-up retry count
5D1C hardware impending failure drive calibration retry count
5D1D hardware impending failure power loss protection circuit
5D20 controller impending failure general hard drive failure
5D21 controller impending failure drive error rate too high
5D22 controller impending failure data error rate too high
5D23 controller impending failure seek error rate too high
5D24 controller impending failure too many block reassigns
5D25 controller impending failure access times too high
5D26 controller impending failure start unit times too high
5D27 controller impending failure channel parametrics
5D28 controller impending failure controller detected
5D29 controller impending failure throughput performance
5D2A controller impending failure seek time performance
5D2B controller impending failure spin-up retry count
5D2C controller impending failure drive calibration retry count
5D30 data channel impending failure general hard drive failure
5D31 data channel impending failure drive error rate too high
5D32 data channel impending failure data error rate too high
5D33 data channel impending failure seek error rate too high
5D34 data channel impending failure too many block reassigns
5D35 data channel impending failure access times too high
5D36 data channel impending failure start unit times too high
5D37 data channel impending failure channel parametrics
5D38 data channel impending failure controller detected
5D39 data channel impending failure throughput performance
5D3A data channel impending failure seek time performance
5D3B data channel impending failure spin-up retry count
5D3C data channel impending failure drive calibration retry count
5D40 servo impending failure general hard drive failure
5D41 servo impending failure drive error rate too high
5D42 servo impending failure data error rate too high
5D43 servo impending failure seek error rate too high
5D44 servo impending failure too many block reassigns
5D45 servo impending failure access times too high
5D46 servo impending failure start unit times too high
5D47 servo impending failure channel parametrics
5D48 servo impending failure controller detected
5D49 servo impending failure throughput performance
5D4A servo impending failure seek time performance
5D4B servo impending failure spin-up retry count
5D4C servo impending failure drive calibration retry count
5D50 spindle impending failure general hard drive failure
5D51 spindle impending failure drive error rate too high
5D52 spindle impending failure data error rate too high
5D53 spindle impending failure seek error rate too high
5D54 spindle impending failure too many block reassigns
5D55 spindle impending failure access times too high
5D56 spindle impending failure start unit times too high
5D57 spindle impending failure channel parametrics
5D58 spindle impending failure controller detected
5D59 spindle impending failure throughput performance
5D5A spindle impending failure seek time performance
5D5B spindle impending failure spin-up retry count
5D5C spindle impending failure drive calibration retry count
5D60 firmware impending failure general hard drive failure
5D61 firmware impending failure drive error rate too high
5D62 firmware impending failure data error rate too high
5D63 firmware impending failure seek error rate too high
5D64 firmware impending failure too many block reassigns
5D65 firmware impending failure access times too high
5D66 firmware impending failure start unit times too high
5D67 firmware impending failure channel parametrics
5D68 firmware impending failure controller detected
5D69 firmware impending failure throughput performance
5D6A firmware impending failure seek time performance
5D6B firmware impending failure spin-up retry count
5D6C firmware impending failure drive calibration retry count
5D73 media impending failure endurance limit met
5DFF failure prediction threshold exceeded (false)

5E00 low power condition on
5E01 idle condition activated by timer
5E02 standby condition activated by timer
5E03 idle condition activated by command
5E04 standby condition activated by command
5E05 idle_b condition activated by timer
5E06 idle_b condition activated by command
5E07 idle_c condition activated by timer
5E08 idle_c condition activated by command
5E09 standby_y condition activated by timer
5E0A standby_y condition activated by command
5E41 power state change to active
5E42 power state change to idle
5E43 power state change to standby
5E45 power state change to sleep
5E47 power state change to device control

6000 lamp failure

6100 video acquisition error
6101 unable to acquire video
6102 out of focus

6200 scan head positioning error

6300 end of user area encountered on this track
6301 packet does not fit in available space

6400 illegal mode for this track
6401 invalid packet size

6500 voltage fault

6600 automatic document feeder cover up
6601 automatic document feeder lift up
6602 document jam in automatic document feeder
6603 document miss feed automatic in document feeder

6700 configuration failure
6701 configuration of incapable logical units failed
6702 add logical unit failed
6703 modification of logical unit failed
6704 exchange of logical unit failed
6705 remove of logical unit failed
6706 attachment of logical unit failed
6707 creation of logical unit failed
6708 assign failure occurred
6709 multiply assigned logical unit
670A set target port groups command failed
670B ATA device feature not enabled
670C command rejected
670D explicit bind not allowed
670E feature not enabled

6800 logical unit not configured
6801 subsidiary logical unit not configured

6900 data loss on logical unit
6901 multiple logical unit failures
6902 parity/data mismatch

6A00 informational, refer to log

6B00 state change has occurred
6B01 redundancy level got better
6B02 redundancy level got worse

6C00 rebuild failure occurred

6D00 recalculate failure occurred

6E00 command to logical unit failed

6F00 copy protection key exchange failure - authentication failure
6F01 copy protection key exchange failure - key not present
6F02 copy protection key exchange failure - key not established
6F03 read of scrambled sector without authentication
6F04 media region code is mismatched to logical unit region
6F05 drive region must be permanent/region reset count error
6F06 insufficient block count for binding nonce recording
6F07 conflict in binding nonce recording
6F08 insufficient permission
6F09 invalid drive-host pairing server
6F0A drive-host pairing suspended

7100 decompression exception long algorithm ID

7200 session fixation error
7201 session fixation error writing lead-in
7202 session fixation error writing lead-out
7203 session fixation error - incomplete track in session
7204 empty or partially written reserved track
7205 no more track reservations allowed
7206 RMZ extension is not allowed
7207 no more test zone extensions are allowed

7300 CD control error
7301 power calibration area almost full
7302 power calibration area is full
7303 power calibration area error
7304 program memory area update failure
7305 program memory area is full
7306 RMA/PMA is almost full
7310 current power calibration area almost full
7311 current power calibration area is full
7317 RDZ is full

7400 security error
7401 unable to decrypt data
7402 unencrypted data encountered while decrypting
7403 incorrect data encryption key
7404 cryptographic integrity validation failed
7405 error decrypting data
7406 unknown signature verification key
7407 encryption parameters not useable
7408 digital signature validation failure
7409 encryption mode mismatch on read
740A encrypted block not raw read enabled
740B incorrect Encryption parameters
740C unable to decrypt parameter list
740D encryption algorithm disabled
7410 SA creation parameter value invalid
7411 SA creation parameter value rejected
7412 invalid SA usage
7421 data encryption configuration prevented
7430 SA creation parameter not supported
7440 authentication failed
7461 external data encryption key manager access error
7462 external data encryption key manager error
7463 external data encryption key not found
7464 external data encryption request not authorized
746E external data encryption control timeout
746F external data encryption control error
7471 logical unit access not authorized
7479 security conflict in translated device
`;

/** Text by code, keyed by `asc << 8 | ascq`. */
export const ASC_TEXT: ReadonlyMap<number, string> = new Map(
  LIST.split('\n')
    .filter((line) => line !== '')
    .map((line) => [parseInt(line.slice(0, 4), 16), line.slice(5)] as const),
);

/** Codes whose ASCQ is a parameter; NN in the text is replaced by the ASCQ in hex. */
export interface AscRange {
  asc: number;
  from: number;
  to: number;
  text: string;
}

export const ASC_RANGES: readonly AscRange[] = [
  { asc: 0x40, from: 0x80, to: 0xff, text: 'diagnostic failure on component NNh' },
  { asc: 0x4d, from: 0x00, to: 0xff, text: 'tagged overlapped commands (task tag NNh)' },
  { asc: 0x70, from: 0x00, to: 0xff, text: 'decompression exception short algorithm ID of NNh' },
];
