"""Currency symbols as price_parser (0.5.1) looks for them, for bench/pollock.py.

Pollock normalizes a cell as a price when price_parser finds a currency symbol in it and an
amount; these are its tables, in the order its parser tries them (sorted here where the
parser takes a set, longest first as it does), so that the scorer needs no install.

The tables are price-parser's, under its license:

    Copyright (c) Scrapinghub
    All rights reserved.

    Redistribution and use in source and binary forms, with or without modification,
    are permitted provided that the following conditions are met:

        1. Redistributions of source code must retain the above copyright notice,
           this list of conditions and the following disclaimer.

        2. Redistributions in binary form must reproduce the above copyright
           notice, this list of conditions and the following disclaimer in the
           documentation and/or other materials provided with the distribution.

        3. Neither the name of ScrapingHub nor the names of its contributors may be used
           to endorse or promote products derived from this software without
           specific prior written permission.

    THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS" AND
    ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE IMPLIED
    WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
    DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT OWNER OR CONTRIBUTORS BE LIABLE FOR
    ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL DAMAGES
    (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR SERVICES;
    LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON
    ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT
    (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS
    SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
"""

# Found anywhere in the text, tried first; the $ variants before $.
SAFE = (
    'Bds$', 'CUC$', 'MOP$', 'AR$', 'AU$', 'BN$', 'BZ$', 'CA$', 'CL$', 'CO$', 'CV$', 'HK$',
    'MX$', 'NT$', 'NZ$', 'TT$', 'RD$', 'WS$', 'US$', '$U', 'C$', 'J$', 'N$', 'R$', 'S$', 'T$',
    'Z$', 'A$', 'SY£', 'LB£', 'CN¥', 'GH₵', '$', '€', '£', 'zł', 'Zł', 'Kč', '₽', '¥', '￥', '฿',
    'դր.', 'դր', '₦', '₴', '₱', '৳', '₭', '₪', '﷼', '៛', '₩', '₫', '₡', 'টকা', 'ƒ', '₲', '؋',
    '₮', 'नेरू', '₨', '₶', '₾', '֏', 'ރ', '৲', '૱', '௹', '₠', '₢', '₣', '₤', '₧', '₯', '₰', '₳',
    '₷', '₸', '₹', '₺', '₼', '₾', '₿', 'ℳ', 'ر.ق.\u200f', 'د.ك.\u200f', 'د.ع.\u200f',
    'ر.ع.\u200f', 'ر.ي.\u200f', 'ر.س.\u200f', 'د.ج.\u200f', 'د.م.\u200f', 'د.إ.\u200f',
    'د.ت.\u200f', 'د.ل.\u200f', 'ل.س.\u200f', 'د.ب.\u200f', 'د.أ.\u200f', 'ج.م.\u200f',
    'ل.ل.\u200f', ' تومان', 'تومان', 'درهم', 'ريال', 'جنيه', 'EUR', 'euro', 'eur', 'CHF', 'DKK',
    'Rp', 'lei', 'руб.', 'руб', 'грн.', 'грн', 'дин.', 'Dinara', 'динар', 'лв.', 'лв', 'р.',
    'тңг', 'тңг.', 'ман.'
)

# Codes ending in D, which take precedence over a $ right after them (NZD$).
DOLLAR_CODES = (
    'AED', 'AMD', 'AUD', 'BBD', 'BHD', 'BSD', 'BMD', 'BND', 'BZD', 'CAD', 'DZD', 'FJD', 'GMD',
    'GYD', 'HKD', 'IQD', 'JMD', 'JOD', 'KWD', 'KYD', 'LRD', 'LYD', 'MAD', 'MKD', 'NAD', 'NZD',
    'RSD', 'SBD', 'SGD', 'SRD', 'STD', 'TND', 'TTD', 'TVD', 'TWD', 'USD', 'VND', 'XBD', 'XCD',
    'XPD', 'ZWD', 'NTD', 'GRD'
)

# ISO codes and less safe symbols, found anywhere in the text too, longest first.
OTHER = (
    'tolarjev', 'D-Mark', 'Bs.F.', 'SL Re', 'Sucre', 'kroon', 'Afl.', 'FCFA', 'FrCD', 'MURs',
    'NPRs', 'PKRs', 'Ptas', 'SLRs', 'din.', 'litų', 'man.', 'Δρχ.', 'ریال', 'AED', 'AFL', 'AFN',
    'ALL', 'AMD', 'ANG', 'AOA', 'ARS', 'ATS', 'AUD', 'AWG', 'AZN', 'B/.', 'BAM', 'BBD', 'BDT',
    'BEF', 'BGN', 'BHD', 'BIF', 'BMD', 'BND', 'BOB', 'BOV', 'BRL', 'BSD', 'BTN', 'BWP', 'BYN',
    'BZD', 'CAD', 'CDF', 'CFA', 'CFP', 'CHE', 'CHW', 'CLF', 'CLP', 'CNY', 'COP', 'COU', 'CRC',
    'CUC', 'CUP', 'CVE', 'CYP', 'CZK', 'DEM', 'DJF', 'DOP', 'DZD', 'Dkr', 'EEK', 'EGP', 'ERN',
    'ESP', 'ETB', 'FBu', 'FIM', 'FJD', 'FKP', 'FRF', 'Fdj', 'Fr.', 'GBP', 'GEL', 'GGP', 'GHS',
    'GIP', 'GMD', 'GNF', 'GRD', 'GTQ', 'GYD', 'HKD', 'HNL', 'HRK', 'HTG', 'HUF', 'IDR', 'IEP',
    'ILS', 'IMP', 'INR', 'IQD', 'IRR', 'IR£', 'ISK', 'ITL', 'Ikr', 'JEP', 'JMD', 'JOD', 'JPY',
    'KES', 'KGS', 'KHR', 'KMF', 'KPW', 'KRW', 'KWD', 'KYD', 'KZT', 'Ksh', 'LAK', 'LBP', 'LEI',
    'LKR', 'LRD', 'LSL', 'LTL', 'LUF', 'LVL', 'LYD', 'Lei', 'Lek', 'MAD', 'MDL', 'MGA', 'MKD',
    'MMK', 'MNT', 'MOP', 'MRO', 'MRf', 'MTL', 'MTn', 'MUR', 'MVR', 'MWK', 'MXN', 'MXV', 'MYR',
    'MZN', 'NAD', 'NGN', 'NIO', 'NLG', 'NOK', 'NPR', 'NTD', 'NZD', 'Nfk', 'Nkr', 'Nu.', 'OMR',
    'PAB', 'PEN', 'PGK', 'PHP', 'PKR', 'PLN', 'PRB', 'PTE', 'PYG', 'Pta', 'Pts', 'QAR', 'RMB',
    'RON', 'RSD', 'RUB', 'RWF', 'S/.', 'SAR', 'SBD', 'SCR', 'SDG', 'SEK', 'SGD', 'SHP', 'SIT',
    'SKK', 'SLL', 'SOS', 'SRD', 'SSP', 'STD', 'SVC', 'SYP', 'SZL', 'Skr', 'Ssh', 'THB', 'TJS',
    'TMT', 'TND', 'TOP', 'TRY', 'TSh', 'TTD', 'TVD', 'TWD', 'TZS', 'UAH', 'UGX', 'USD', 'USN',
    'USh', 'UYI', 'UYU', 'UZS', 'VAL', 'VEF', 'VND', 'VUV', 'WST', 'XAF', 'XAG', 'XAU', 'XBA',
    'XBB', 'XBC', 'XBD', 'XCD', 'XDR', 'XOF', 'XPD', 'XPF', 'XPT', 'XSU', 'XTS', 'XUA', 'YER',
    'ZAR', 'ZMK', 'ZMW', 'ZWD', 'ZWL', 'fl.', 'fr.', 'leu', 'mk.', 'pln', 'Δρ.', 'Af', 'BD',
    'Br', 'Bs', 'CF', 'DA', 'DM', 'DT', 'Db', 'FC', 'FG', 'FR', 'Ft', 'JD', 'KD', 'KM', 'Kz',
    'LD', 'Le', 'Lm', 'Ls', 'Lt', 'MK', 'Pt', 'QR', 'RM', 'Rf', 'Rs', 'SR', 'Sk', 'TL', 'Tk',
    'UF', 'UM', 'VT', 'YR', 'ZK', 'kn', 'kr', 'öS', 'đ', 'Р', 'р', 'र', '円', '원'
)
