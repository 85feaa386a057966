import csv
NP="not placed"
cb = {
'q1': [
 ("A","Governments hold primary policy authority","Public policy on the Internet is a sovereign responsibility of States (Tunis Agenda para 35); other stakeholders are consulted or advisory, and the government role should be strengthened.",
  "003 004 011 017 018 037 039 040 046 049 050 067 071 007 088"),
 ("C","Multistakeholder cooperation with complementary roles","Governments have a public-policy role but exercise it together with all stakeholders in open, inclusive multistakeholder institutions rather than alone.",
  "029 036 041 045 053 061 077 089"),
 ("D","Roles flexible, Tunis division outdated","Roles should not be fixed in advance: they depend on the issue, and the para 35 division has been overtaken by practice (incl. academic answers making this point).",
  "002 010 025 048 051 054 062 065 069 072"),
 ("E","Private sector invests, needs predictable framework","Business is the main investor and must participate on an equal footing; governments should provide a stable, predictable, technology-neutral, pro-investment framework.",
  "001 013 022 023 052 056 057 059 060 075 076 078 080 082 087"),
 ("F","Human rights as basis of roles","All roles must be grounded in international human rights law: States protect, companies respect, civil society monitors.",
  "015 020 031 044 084 086"),
 ("G","Voice for users and excluded groups","Civil society, users and under-represented groups (youth, women, consumers, developers, small firms, the South) must have a real say in decisions, not only be consulted.",
  "009 012 021 030 038 047 055 058 068 070 085"),
 ("I","Technical community coordinates, not policy","The technical community runs identifiers and open standards through bottom-up processes; it informs but does not make public policy and should not be taken over.",
  "016 024 043 064"),
 ("J","Developing countries, IGOs and capacity support","Intergovernmental organisations and development partners should support developing countries and small States (capacity, access, diversity) so they can take part.",
  "006 008 014 027 034 035 042 066"),
 ("K","Simple list of stakeholder roles","Describes a division of labour by listing what each stakeholder group does, without a stronger position on who decides.",
  "019 032 074 079 081"),
],
'q2': [
 ("A","Travel costs, visas: participation fund","Cost of travel to meetings and visa refusals or delays keep Southern participants away; a transparent participation fund and visa facilitation are needed.",
  "002 005 007 022 026 027 034 041 047 048 049 053 055 057 065 073 077 080"),
 ("B","Language barriers and translation","Documents and debates are mostly in English; translation and interpretation into the UN languages and multilingual content are needed.",
  "006 008 015 025 046 059"),
 ("C","Capacity building, training and education","Lack of expertise and knowledge is the main barrier; training of officials, university curricula, schools of Internet governance, research in the South.",
  "004 014 018 021 024 029 054 064 069 072"),
 ("D","Structural inequality among governments","The real barrier is structural: developing-country governments have no equal say over critical Internet resources; a mechanism with equal participation of all governments is needed.",
  "012 017 019 044 050 058 063 067 074 078"),
 ("E","Access, connectivity and infrastructure costs","Lack of access, expensive international bandwidth, missing IXPs and infrastructure concentration in the North come before participation.",
  "009 031 037 040 076 083 086 089"),
 ("F","Meaningful remote participation","Remote participation must be treated as full participation, with speaking rights and reliable hubs.",
  "010 023 033"),
 ("G","Too many fragmented, complex processes","The number, fragmentation and complexity of forums and documents burden small delegations and firms; mapping, clearing house, summaries, short consultations.",
  "003 016 038 051 060 061 088"),
 ("H","National and regional coordination","Weak coordination at national level (ministries, stakeholders) or lack of regional pooling limits participation; national multistakeholder committees and regional common positions help.",
  "028 030 043 062 066 081"),
 ("I","Closed processes and excluded groups","Opaque or closed processes, informal networks, harassment of activists, and under-representation of women, small business and other groups exclude participants.",
  "011 032 036 039 042 045 056 068 079 082"),
 ("J","Existing programmes work, no new institutions","Fellowships, the IGF Trust Fund, remote tools and national/regional IGFs already lower barriers and are preferable to new institutions.",
  "035 071 084 085"),
],
'q3': [
 ("A","New UN intergovernmental platform","Enhanced cooperation requires a new intergovernmental platform or mechanism in the UN system (possibly ITU-based, reporting to the GA) where all governments act on an equal footing, others consulted.",
  "008 011 013 021 026 027 028 038 039 040 042 045 050 053 055 056 059 061 062 067 072 073 087"),
 ("B","Internationalise ICANN and IANA oversight","The priority is to end one government's special oversight of IANA and globalise ICANN, whether inside the current model or otherwise.",
  "001 003 012 016 074 075"),
 ("C","Build on existing institutions, no new body","Enhanced cooperation is a process, not an institution; improve existing organisations (ICANN/GAC, IGF, IGOs) and oppose any new intergovernmental body.",
  "005 006 015 017 024 037 048 051 052 064 076 077 081"),
 ("D","Strengthen the IGF as venue","A strengthened IGF, with stable funding, intersessional work and outputs, is where enhanced cooperation should happen.",
  "023 029 031 057"),
 ("E","Map issues and gaps first","Proceed step by step: map public policy issues and existing mechanisms, identify gaps (correspondence group, observatory), agree definition before deciding.",
  "002 007 019 020 034 035 047 068 079 083"),
 ("F","Decide concretely now, with timeline","No more studies: the WGEC must recommend a concrete mechanism with a timeline.",
  "054 084"),
 ("G","New multistakeholder mechanism with real power","A new mechanism (e.g. linked to CSTD/UN) where governments and other stakeholders take part together and can produce recommendations or decisions.",
  "041 043 060 069 078"),
 ("H","Any mechanism must be multistakeholder, rights-based","Conditions on any mechanism: multistakeholder, open, transparent, accountable and based on human rights; reject purely intergovernmental control.",
  "025 044 049 063 085 086"),
 ("I","Capacity building and funding first","Without funding and capacity building for developing countries and their civil society, no mechanism will give equal footing.",
  "014 030 065 066"),
 ("J","Organisations act within mandates, regional role","Existing (intergovernmental and regional) organisations implement within their mandates, coordinate with each other and report; regional consultations and positions.",
  "004 009 018 022 033 046 082"),
],
'q4': [
 ("A","Not implemented: no equal-footing mechanism","Enhanced cooperation has not been implemented; there is no mechanism for governments on an equal footing, the GAC is advisory and the IGF has no decision power.",
  "033 035 036 039 046 058 068 072 076 084"),
 ("B","Human rights and surveillance unaddressed","No international mechanism addresses mass surveillance or privacy; human-rights initiatives (HRC resolution, FOC, GNI) exist but are limited.",
  "010 014 043 078 080 085"),
 ("C","Largely implemented in existing institutions","Enhanced cooperation is happening in a dense network of existing institutions (GAC reform, OECD principles, CoE conventions, IGF, CERTs); no new body needed.",
  "020 023 026 042 069 079"),
 ("D","IGF and national multistakeholder forums","The IGF and national/regional IGFs or national multistakeholder committees work as spaces for dialogue (though without decisions).",
  "001 016 017 030 037 045 063 065 070 075"),
 ("E","Regional cooperation examples","Regional processes (eLAC, CITEL, Arab IGF, African Union, EAC, APT/APEC, Pacific) are working examples, while global cooperation lags.",
  "005 008 013 015 041 047 052 056 067 077 082"),
 ("F","Technical community cooperation works","Voluntary technical cooperation works: CERTs/FIRST, RIR policy processes, ccTLD organisations, IXPs, IPv6, standards liaisons, spam, ICANN At-Large.",
  "003 004 006 018 027 031 032 034 051 054 061 087"),
 ("G1","Intergovernmental cooperation on security, crime, data","Cooperation among governments and public authorities produces results: Budapest Convention, Convention 108, UN GGE, ITU cybersecurity, spam and privacy enforcement networks.",
  "011 029 055 081 083"),
 ("G2","IGOs opening up and building capacity","Intergovernmental organisations (OECD, ITU/WTPF, UNESCO, WIPO, CTO, Broadband Commission) engage all stakeholders and build capacity within their mandates.",
  "002 009 012 021 024 028 040 044 048 062 066"),
 ("H","Partial; depends on definition","Implementation is partial or depends on reading of paras 69-71: much cooperation among stakeholders, but no intergovernmental process.",
  "019 025 053 057 059 073"),
 ("I","Closed negotiations as failures","Secret or closed negotiations (ACTA, WCIT) are examples of what does not work.",
  "007 060"),
],
}
coding = {
'q1': "001E 002D 003A 004A 005N 006J 007A 008J 009G 010D 011A 012G 013E 014J 015F 016I 017A 018A 019K 020F 021G 022E 023E 024I 025D 026N 027J 028N 029C 030G 031F 032K 033N 034J 035J 036C 037A 038G 039A 040A 041C 042J 043I 044F 045C 046A 047G 048D 049A 050A 051D 052E 053C 054D 055G 056E 057E 058G 059E 060E 061C 062D 063N 064I 065D 066J 067A 068G 069D 070G 071A 072D 073N 074K 075E 076E 077C 078E 079K 080E 081K 082E 083N 084F 085G 086F 087E 088A 089C",
'q2': "001N 002A 003G 004C 005A 006B 007A 008B 009E 010F 011I 012D 013N 014C 015B 016G 017D 018C 019D 020N 021C 022A 023F 024C 025B 026A 027A 028H 029C 030H 031E 032I 033F 034A 035J 036I 037E 038G 039I 040E 041A 042I 043H 044D 045I 046B 047A 048A 049A 050D 051G 052N 053A 054C 055A 056I 057A 058D 059B 060G 061G 062H 063D 064C 065A 066H 067D 068I 069C 070N 071J 072C 073A 074D 075N 076E 077A 078D 079I 080A 081H 082I 083E 084J 085J 086E 087N 088G 089E",
'q3': "001B 002E 003B 004J 005C 006C 007E 008A 009J 010N 011A 012B 013A 014I 015C 016B 017C 018J 019E 020E 021A 022J 023D 024C 025H 026A 027A 028A 029D 030I 031D 032N 033J 034E 035E 036N 037C 038A 039A 040A 041G 042A 043G 044H 045A 046J 047E 048C 049H 050A 051C 052C 053A 054F 055A 056A 057D 058N 059A 060G 061A 062A 063H 064C 065I 066I 067A 068E 069G 070N 071N 072A 073A 074B 075B 076C 077C 078G 079E 080N 081C 082J 083E 084F 085H 086H 087A",
'q4': "001D 002G2 003F 004F 005E 006F 007I 008E 009G2 010B 011G1 012G2 013E 014B 015E 016D 017D 018F 019H 020C 021G2 022N 023C 024G2 025H 026C 027F 028G2 029G1 030D 031F 032F 033A 034F 035A 036A 037D 038N 039A 040G2 041E 042C 043B 044G2 045D 046A 047E 048G2 049N 050N 051F 052E 053H 054F 055G1 056E 057H 058A 059H 060I 061F 062G2 063D 064N 065D 066G2 067E 068A 069C 070D 071N 072A 073H 074N 075D 076A 077E 078B 079C 080B 081G1 082E 083G1 084A 085B 086N 087F",
}
out='bench/themes/coder_a/'
labels={}
rows=[]
for q,themes in cb.items():
    for key,label,desc,ex in themes:
        labels[(q,key)]=label
        exs=ex.split()
        rows.append([q,label,desc," ".join(f"{q}-{e}" for e in exs[:3])])
codes={}
for q,s in coding.items():
    for tok in s.split():
        n,k=tok[:3],tok[3:]
        i=f"{q}-{n}"; assert i not in codes, i
        codes[i]= NP if k=="N" else labels[(q,k)]
# check codebook examples consistent with coding
for q,themes in cb.items():
    for key,label,desc,ex in themes:
        for e in ex.split():
            assert codes[f"{q}-{e}"]==label,(q,e,label,codes[f"{q}-{e}"])
with open(out+'codebook.csv','w',newline='',encoding='utf-8') as f:
    w=csv.writer(f); w.writerow(['question','theme','description','examples']); w.writerows(rows)
ans=list(csv.DictReader(open('bench/themes/answers.csv',encoding='utf-8')))
with open(out+'coding.csv','w',newline='',encoding='utf-8') as f:
    w=csv.writer(f); w.writerow(['id','theme'])
    for a in ans: w.writerow([a['id'],codes[a['id']]])
assert set(codes)==set(a['id'] for a in ans), set(codes)^set(a['id'] for a in ans)
