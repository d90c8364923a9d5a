/**
 * Passwords and password stems that guessing tools try first, lower-case: number runs, keyboard
 * walks, the favourite words (and their translations of "password"), names, teams and phrases.
 * Written for Atlas, not copied from a leaked list; a stem also matches with digits or symbols
 * after it (`password2024!`) and spelled with look-alikes (`p@ssw0rd`). See checkPassword.
 */
const LIST = `
1234567890 0987654321 12345678910 1234567891 0123456789 9876543210 01234567890 123456789012
1122334455 1234512345 1234554321 1029384756 1357924680 2468013579 1472583690 7894561230
9638527410 3692581470 1593572580 1111122222 1212121212 1231231234 1234123412 1234567899
1234567800 1234567809 0000011111 1010101010 2020202020 5555566666 1230456789 11223344556677
123123123123 123321123321 112233445566 123456123456 1234567890123 12345678901234567890
1qaz2wsx3edc 1qaz2wsx3edc4rfv 1q2w3e4r5t 1q2w3e4r5t6y 1q2w3e4r5t6y7u8i q1w2e3r4t5 q1w2e3r4t5y6
zaq12wsxcde3 zaq1xsw2cde3 1qazxsw23edc 1qaz@wsx3edc !qaz2wsx3edc !qaz@wsx#edc 1qaz2wsx!qaz@wsx
qazwsxedc qazwsxedcrfv qazwsxedcrfvtgb qweasdzxc qweasdzxc123 123qweasdzxc 1qa2ws3ed
qwertyuiop qwertyuiop[] qwertzuiop azertyuiop asdfghjkl asdfghjkl; zxcvbnm,./ poiuytrewq
lkjhgfdsa mnbvcxz qwertyuiopasdfghjkl qwertyuiopasdfghjklzxcvbnm 1234qwer 12345qwert
123456qwerty qwerty123456 qwerty12345 qwertyqwerty qwe123qwe123 asd123asd123 zxc123zxc123
qweqweqweqwe asdasdasdasd zxczxczxczxc qwerasdfzxcv asdfqwerzxcv 1234qwerasdf qwerty1234567
abc1234567 abcd123456 a1b2c3d4e5 a1b2c3d4e5f6 aa12345678 a123456789 123456789a 12345abcde
abcde12345 123abc123abc abc123abc123 abcabcabcabc abcdefghijk abcdefghijkl abcdefghij
1234567890a 12345678900 1234567890q 1234567890qwe 123456789q 0987654321q
passwordpassword password1234 1234password passw0rd123 iloveyou12 iloveyouforever
correcthorsebatterystaple thequickbrownfox thequickbrownfoxjumpsoverthelazydog
letmeinplease letmeinnow trustnoone changemeplease pleaseletmein opensesame
welcometoatlas atlasatlas myatlaspassword
password passw passwd passwort passwords pass mypassword yourpassword newpassword
oldpassword thepassword secretpassword mypass motdepasse contrasena senha parola
salasana wachtwoord haslo heslo jelszo lozinka geslo sifre adgangskode losenord passord
letmein welcome admin administrator login logon qwerty qwertz azerty asdf asdfgh zxcvbn
zxcvbnm qazwsx iloveyou loveyou love lovely monkey dragon master shadow sunshine princess
football baseball basketball soccer hockey tennis golf superman batman spiderman ironman
trustno michael jennifer jordan hunter killer ranger buster thomas robert daniel jessica
charlie andrew michelle tigger cheese computer internet secret freedom whatever hello
helloworld starwars pokemon naruto matrix mustang harley ferrari corvette porsche access
flower summer winter spring autumn purple orange yellow silver golden ginger cookie
chocolate banana pepper snoopy mickey minecraft fortnite roblox google facebook linkedin
twitter instagram apple samsung microsoft windows changeme default guest root toor user
test tester testing demo sample example atlas nothing blahblah blink abc abcd abcdef
abcdefg abcdefgh baby babygirl angel angels family forever friends blessed jesus
jesusloves christ godisgood heaven liverpool chelsea arsenal barcelona realmadrid
manchester yankees cowboys lakers eagles steelers dolphins soleil bonjour hallo supersecret
topsecret private security secure iamtheman whatsup trustme superstar butterfly rainbow
elephant dolphin unicorn jasmine diamond crystal monster zombie gamer gaming player
hacker hackme qwer asdfasdf zxcvzxcv qweasd qwe asd zxc aaa abcabc
sexy hottie loveme kiss lucky
money dollar bitcoin crypto ninja samurai warrior viking pirate wizard merlin gandalf
frodo hobbit sparky bandit rocky buddy maggie bailey molly daisy sophie oliver
charlotte william james george harry alexander sebastian nicole ashley amanda
sarah emily emma olivia isabella taylor justin austin dallas boston london paris
berlin madrid moscow tokyo america canada england france germany italia espana
brasil mexico india china russia
server database postgres mysql oracle sqlserver docker kubernetes github gitlab
jenkins ansible terraform deploy production staging develop developer devops
backup system sysadmin support service office company business manager
`;

/** The list, as a set; entries are lower-case. */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set(LIST.split(/\s+/).filter(Boolean));
