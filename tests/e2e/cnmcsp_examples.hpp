#pragma once
/// The example requests of spec: cnmcsp §5.3.1-§5.3.13, verbatim. The extracted text breaks
/// them across lines and ends every line with a space (a PDF artefact): the lines are joined
/// with those trailing spaces removed and nothing else changed (spaces inside a line, such as
/// `"price3":3.0 ,` and `"3单元 3栋"`, are kept).

namespace metersim::test::cn_examples {

// spec: cnmcsp §5.3.1
inline constexpr char const* meter_add =
    R"({"UserID":"KYNYN144860","UserName":"KYNYN144860","UserType":"1","Phone":"13566956201","FullAddrDetail":"详细的地址信息内容","AddrDetail":"503室","BuildingName":"3单元 3栋","FireDate":"2019-09-02 00:00:00","PreSaving":"1000","MeterID":"012345678912","MeterNo":"012345678912","MeterParamModel":"CNMCPUJE","MeterProtocol":"CNModbusV61","MeterReading":0,"PriceID":"5021","Version":"309","IniDate":"2019-09-02 00:00:00","PriceMode":"101","MonthCount":"12","Price1":1.20,"Price2":1.8,"price3":3.0 ,"Level1":2000,"Level2":"5000" ,"DataFrom":"苍南仪表集团"})";

// spec: cnmcsp §5.3.2
inline constexpr char const* meter_modify =
    R"({"UserID":"KYNYN144860","MeterID":"012345678912","UserName":"KYNYN144860" ,"Phone":"13566956201","FullAddrDetail":"详细的地址信息内容","AddrDetail":"503室","BuildingName":"3 单元 3栋" ,"DataFrom":"苍南仪表集团"})";

// spec: cnmcsp §5.3.3, §5.3.4, §5.3.5 (the same body)
inline constexpr char const* meter_ref =
    R"({"UserID":"KYNYN144860","MeterID":"012345678912","DataFrom":"苍南仪表集团"})";

// spec: cnmcsp §5.3.6
inline constexpr char const* meter_change =
    R"({"UserID":"KYNYN144860","OldMeterID":"012345678912","OldENDREADING":8680.50,"NewMeterID":"012345678919","NewMeterNo":"012345678919","NewMeterParamModel":"CNMCPUJE","NewMeterProtocol":"CNModbusV61","NewMeterReading":0,"ChangeTime":"2019-10-02 12:44:22","PreSaving":1500,"DataFrom":"苍南仪表集团"})";

// spec: cnmcsp §5.3.7 (unquoted key: not JSON)
inline constexpr char const* read_current =
    R"({Meters:[{"UserID":"KYNYN144860","MeterID":"012345678912"},{"UserID":"KYNYN144866","MeterID":"012345678916"}]})";

// spec: cnmcsp §5.3.8
inline constexpr char const* recharge =
    R"({"UserID":"KYNYN144860","MeterID":"012345678912","TradeNo":"CNMCSPKYNYN20191002123422","RechargeTime":"2019-10-02 12:34:22","RechargeAmt":"50000","DataFrom":"苍南仪表集团"})";

// spec: cnmcsp §5.3.9
inline constexpr char const* cancel_recharge =
    R"({"UserID":"KYNYN144860","MeterID":"012345678912","TradeNo":"CNMCSPKYNYN20191002123422","CancelTime":"2019-10-02 12:44:22","CancelAmt":"50000","DataFrom":"苍南仪表集团"})";

// spec: cnmcsp §5.3.10
inline constexpr char const* change_price =
    R"({"UserID":"KYNYN144860","MeterID":"012345678912","ChangeTime":"2019-10-02 00:00:00","PriceID":"5021","Version":"309","IniDate":"2019-09-02 00:00:00","PriceMode":"101","MonthCount":"12","Price1":1.20,"Price2":1.8,"price3":3.0, "Level1":2000,"Level2":"5000" ,"DataFrom":"苍南仪表集团"})";

// spec: cnmcsp §5.3.11 (unquoted key: not JSON)
inline constexpr char const* batch_change_price =
    R"({Meters:[{"UserID":"KYNYN144860","MeterID":"012345678912"},{"UserID":"KYNYN144869","MeterID":"012345678919"}],"ChangeTime":"2019-10-02 00:00:00","PriceID":"5021","Version":"309","IniDate":"2019-09-02 00:00:00","PriceMode":"101","MonthCount":"12","Price1":1.20,"Price2":1.8,"price3":3.0 ,"Level1":2000,"Level2":"5000" ,"DataFrom":"苍南仪表集团"})";

// spec: cnmcsp §5.3.12
inline constexpr char const* control_valve =
    R"({"UserID":"KYNYN144860","MeterID":"012345678912","Control":2010,"DataFrom":"苍南仪表集团"})";

// spec: cnmcsp §5.3.13
inline constexpr char const* remain_option =
    R"({"UserID":"KYNYN144860","MeterID":"012345678912","TradeNo":"CNMCSPKYNYN20191002123422","CMDOption":1000,"OptionTime":"2019-10-02 12:34:22","OptionAmt":"50000","DataFrom":"苍南仪表集团"})";

}  // namespace metersim::test::cn_examples
