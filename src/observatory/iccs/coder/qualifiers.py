"""The qualifier cues of ICCS detail, in English, Spanish and French (folded, unaccented).

Each cue is a word pattern: words separated by spaces, ``*`` ending a word is any ending, ``...``
stands for up to two words of any kind ("from the person", "from a person"). The groups name what
ICCS's own texts use to split a category: where (dwelling, business, public premises), what (vehicle,
parts, livestock, services), how (violence, weapon, force on things), how badly (serious, minor),
who (a child, a dependent person) and the act (possession against trafficking, cultivation,
production). :data:`REFINEMENTS` in ``rules.py`` says which group moves a family to which code.
"""

from __future__ import annotations


def cues(text: str) -> tuple[str, ...]:
    """``"a | b c*"`` -> ``("a", "b c*")``."""
    return tuple(part.strip() for part in text.split("|") if part.strip())


ATTEMPT = cues(
    "attempt* | tentativa* | tentative* | tente | tentee | intento* | frustrad* | grado de tentativa"
)
CONSPIRACY = cues("conspiracy | conspiring | conspiracion | complot | solicitation to murder")
THREAT = cues("threat* | amenaza* | menace* | intimidation")
KILL = cues("kill* | death | murder* | muerte | matar | mort | meurtre* | homicid* | assassinat*")
NEGLIGENT = cues(
    "negligen* | careless* | culpos* | imprudent* | imprudencia* | involontaire* | involuntar* | "
    "reckless* | maladresse* | inattention"
)
PRETERINTENTIONAL = cues(
    "preterintencion* | preterintention* | sin intencion de darla | sans intention de la donner | "
    "seguidas de muerte | coups mortels"
)
DRIVING = cues(
    "driving | driver* | drive | vehicular | vehicle* | road* | traffic accident* | conduccion* | "
    "conducir | conductor* | transito | accidente* de trafico | manejar | atropell* | vial | "
    "conduite | conducteur* | circulation | routier* | routiere* | vehicule* | vehiculo*"
)
DANGEROUS = cues("dangerous* | reckless* | careless* | temerari* | peligros* | dangereuse* | imprudent*")
ALCOHOL = cues(
    "alcohol* | drink* | drunk* | ebriedad | ebrio* | embriaguez | alcoholemia | alcoholizad* | "
    "ivresse | alcool* | ethylique* | etat alcoolique"
)
DRUG_INFLUENCE = cues(
    "drug* | droga* | estupefaciente* | stupefiant* | narcotic* | sustancia* | substance* | psicotrop*"
)
INFLUENCE = cues("under the influence | bajo la influencia | bajo los efectos | sous l emprise | influence")
VIOLENCE = cues(
    "violence | violent* | violencia* | intimidacion* | intimidatori* | armed | armad* | arme | armee* | "
    "mano armada | main armee | asalto* | atraco* | force or threat | threat of force | carjack* | "
    "mugging | braquage*"
)
FORCE_ON_THINGS = cues(
    "fuerza en las cosas | con fuerza | escalamiento | fractura | effraction* | breaking | entering | "
    "forced entry | entrada ilicita | forzamiento | ganzua*"
)
NOT_DRIVING = cues(
    "non vehicular | no vehicular | non ... vehicul* | not ... vehicle* | no ocasionado* ... vehicul*"
)
ROBO = cues("robo* | vol | vols")
DWELLING = cues(
    "dwelling* | residential | residence* | house | houses | home | homes | household* | apartment* | "
    "vivienda* | domicilio* | morada* | casa* | lugar habitado | lugares habitados | hogar* | "
    "departamento* | habitation* | domicile* | logement* | maison* | appartement* | lieu habite"
)
NOT_DWELLING = cues(
    "other than ... dwelling* | non dwelling | non residential | not ... dwelling | no habitado* | "
    "non habite* | business* | commercial | comercio* | comercial* | establecimiento* | locales | "
    "local comercial | oficina* | shop* | store* | office* | warehouse* | commerce* | entreprise* | "
    "magasin* | bureau* | empresa*"
)
PUBLIC = cues(
    "public* | publico* | publica* | school* | church* | escuela* | colegio* | iglesia* | ecole* | "
    "mobiliario urbano | mobilier urbain | municipal*"
)
VEHICLE = cues(
    "vehicle* | car | cars | motor* | automo* | automovil* | vehiculo* | coche* | auto | autos | "
    "autoparte* | camioneta* | moto | motos | motocicleta* | vehicule* | voiture* | deux roues"
)
VEHICLE_PARTS = cues(
    "part | parts | autoparte* | pieza* | accesorio* | piece* | accessoire* | spare* | tyre* | tire* | "
    "rueda* | neumatico* | catalytic* | espejo* | retrovisor*"
)
FROM_VEHICLE = cues(
    "from ... vehicle* | from ... car* | en ... vehiculo* | desde ... vehiculo* | interior ... vehiculo* | "
    "dans ... vehicule* | a la roulotte | objetos ... vehiculo* | objet* ... vehicule* | "
    "from ... motor vehicle*"
)
UNAUTHORISED_USE = cues(
    "unauthori* taking | unauthori* use | joyrid* | taking without consent | vehicle taking | "
    "uso* no autorizado* | uso* indebido* | uso* ilegal* | hurto de uso | utilisation* illegale* | "
    "utilisation* frauduleuse*"
)
FROM_PERSON = cues(
    "from ... person | pickpocket* | pick pocket* | snatch* | purse* | handbag* | carteris* | lanza* | "
    "por sorpresa | tiron* | arrebat* | a la tire | a l arrache | al descuido"
)
SHOP = cues(
    "shop* | store* | supermarket* | retail* | tienda* | supermercado* | comercio* | "
    "establecimiento* comercial* | mecher* | etalage* | magasin* | grand* surface*"
)
BICYCLE = cues("bicycle* | pedal cycle* | bike* | bicicleta* | velo | velos")
LIVESTOCK = cues(
    "livestock | cattle | sheep | ganado* | abigeato* | semoviente* | betail* | cheptel* | bovin* | "
    "animaux d elevage"
)
SERVICES = cues(
    "electricit* | utility | utilities | fare* | without payment | without paying | energia* | "
    "fluido electrico | electricidad* | servicio* | services | filouterie* | sans payer | suministro*"
)
NOT_BANK = cues("non financ* | no financier* | non financier*")
BANK = cues("bank* | banco* | bancari* | financ* | banque* | entidad* financiera*")
STREET = cues("street* | public place* | via publica | calle* | voie publique | rue | transeunte*")
PERSON = cues("person | persons | personas | personne* | mugging | individuo*")
TRANSIT = cues(
    "transit | cargo | transporte* | camion* | truck* | convoy* | transport* | valores | valuables"
)
SERIOUS = cues(
    "with injury | bodily harm | wounding | wound* | gbh | mutilation* | mutilacion* | deformidad* | "
    "infirmit* | superieure a huit jours | plus de huit jours | grave | graves | gravisim* | grievous | "
    "serious | aggravated | agravad* | calificad* | aggrave* | severe* | with ... weapon* | con arma*"
)
MINOR = cues(
    "minor | common | simple* | leve | leves | without injury | no injury | sin lesion* | voies de fait | "
    "inferieure a huit jours | moins de huit jours | sans itt | sans incapacite | petty | ordinary | "
    "legere* | light"
)
MIDDLE = cues("menos grave* | moins grave*")
DEATH_THREAT = cues(
    "to kill | de muerte | de mort | death | kill* | grave | graves | serious | with ... weapon* | "
    "con arma* | avec arme* | sous condition"
)
MINOR_THREAT = cues("simple* | leve | leves | minor")
CHILD = cues(
    "child* | minor | minors | under 1[0-9] | menor* | nino* | nina* | infant* | impuber* | mineur* | "
    "enfant* | de [0-9]+ anos | de [0-9]+ ans | young person* | juvenile* | adolescent*"
)
DEPENDENT = cues(
    "dependent* | dependant* | vulnerable* | elderly | disabled | desvalid* | incapa* | ancian* | "
    "discapacita* | personne* vulnerable* | personne* agee*"
)
SEXUAL = cues("sexual* | sexuel* | sexuelle*")
WITH_FORCE = cues("with force | forcible | by force | con violencia | violent* | avec violence | con fuerza")
WITHOUT_FORCE = cues(
    "without force | sin violencia | drug facilitated | incapacitated | sans violence | sin consentimiento"
)
TRAFFICKING = cues(
    "traffick* | traffic | trafic* | trafico* | microtrafic* | narcotrafic* | supply* | supplies | "
    "dealing | deal* | sale | sell* | distribut* | venta* | vende* | expendio* | comerciali* | "
    "suministr* | distribuc* | vente* | cession* | revente* | import* | export* | smuggl* | contrabando*"
)
PERSONAL_USE = cues(
    "personal use | own use | consumo personal | autoconsumo | uso personal | usage personnel | "
    "personal consumption | propio consumo | for consumption | para consumo"
)
POSSESSION = cues(
    "possess* | use | using | consum* | posesion* | posee* | tenencia* | porte | porte* | usage* | "
    "detention* | consommation* | usager* | portacion* | carry* | port"
)
CULTIVATION = cues("cultivat* | grow* | cultivo* | siembra* | plantacion* | culture* | cultiv*")
PRODUCTION = cues(
    "manufactur* | production | producing | produce | produccion | producir | elaboracion | elaborar | "
    "fabricacion | fabricar | laborator* | fabrication | fabriquer"
)
PRECURSOR = cues("precursor* | precurseur*")
EQUIPMENT = cues("equipment | paraphernalia | parafernalia | utensil* | materiel*")
FIREARM = cues(
    "firearm* | gun* | pistol* | revolver* | rifle* | shotgun* | arma* de fuego | arme* a feu | fusil* | "
    "escopeta* | municion* | ammunition | munition* | handgun*"
)
NOT_FIREARM = cues("not ... firearm* | other than ... firearm* | non firearm* | distint* ... armas de fuego")
OTHER_WEAPON = cues(
    "knife | knives | blade* | bladed | offensive weapon* | arma* blanca* | cuchillo* | navaja* | "
    "explosiv* | arme* blanche* | couteau* | prohibited weapon* | explosif* | bomb* | "
    "grenade* | granada* | other weapon* | otras armas | point | arme* prohib*"
)
CBRN = cues(
    "chemical* | biological* | radioactiv* | nuclear* | mass destruction | quimic* | biologic* | "
    "radiactiv* | nucleaire* | chimique*"
)
STATE_FRAUD = cues(
    "welfare | benefit* | social security | subsid* | subvencion* | seguridad social | prestacion* | "
    "prestation* sociale* | allocation* | aide* publique* | against the state | public funds | "
    "fondos publicos | contra el estado | fraude au fisc"
)
FINANCIAL_FRAUD = cues(
    "card* | tarjeta* | carte* bancaire* | cheque* | check* | bank* | bancari* | credit* | wire | "
    "insurance | seguro* | investment* | inversion* | computer | informatic* | electronic* | internet | "
    "online | en linea | assurance* | mortgage* | hipotec*"
)
MONEY = cues(
    "money | currency | coin* | banknote* | notes | cash | moneda* | billete* | monnaie* | billet* | dinero"
)
NON_CASH = cues(
    "card* | tarjeta* | cheque* | carte* | non cash | other than cash | credit* | distint* del efectivo"
)
DOCUMENT = cues(
    "document* | passport* | identity | identidad | identite | record* | certificat* | licen* | "
    "prescription* | instrumento* | pasaporte* | cedula* | acta | actas | escritura* | papier* | "
    "ecriture* | registro* | sello* | timbre* | firma* | signature* | receta*"
)
PRODUCT = cues(
    "goods | product* | trademark* | brand* | marca* | productos | marque* | mercancia* | medicament* | "
    "medicine*"
)
FALSE = cues("false | falso* | falsa* | faux | fausse* | falsif* | forg* | counterfeit* | adulter*")
ACTIVE = cues("active | activo* | giving | offering | promising | ofrec* | dar")
PASSIVE = cues("passive | pasivo* | receiving | accepting | soliciting | solicitar | recib* | aceptar")
OBSTRUCTION = cues(
    "perjur* | false testimony | falso testimonio | faux temoignage | testimon* | temoign* | witness* | "
    "testigo* | perverting | obstruct* | obstruc* | entorpec* | evidence | pruebas | preuve* | "
    "subornation"
)
BREACH = cues(
    "breach* | escape* | evasion* | fuga* | quebrantamiento* | incumplimiento* | violation of ... order* | "
    "bail | parole | probation | contempt* | desacato* | resisting | resistencia* | evade* | evadi*"
)
MIGRANT = cues(
    "migrant* | alien* | inmigra* | migrante* | extranjero* | etranger* | clandestin* | irregular* | "
    "irreguliere* | immigra*"
)
SMUGGLING = cues(
    "smuggl* | traffic* | trafico* | trafic* | aide* | ayuda* | facilit* | entrada | entree | entry | "
    "help* | assist* | favorecimiento*"
)
MEMBERSHIP = cues(
    "participation | membership | member* | asociacion* | association* | integra* | pertenencia* | "
    "participa* | belonging"
)
FINANCING = cues("financ* | funding | financiamiento | financiacion")
KIDNAP = cues("kidnap* | secuestro* | enlevement* | rapt* | plagio*")
SEX_PURPOSE = cues("sexual* | sexuel* | prostitu* | commercial sex")
LABOUR = cues(
    "labour | labor* | servitude* | servidumbre* | travail* | trabajo* | servicio* | domestic servitude"
)
ORGAN = cues("organ | organs | organo* | organe*")
PROSTITUTION_EXPLOITATION = cues(
    "exploit* | promot* | procur* | pimp* | brothel* | proxenet* | assisting | keeping | regenta*"
)
PROSTITUTION = cues("prostitu* | proxenet* | brothel* | pimp* | burdel* | lenocinio* | trata de blancas")
HARASSMENT = cues("harass* | acoso* | hostigamiento* | harcelement*")
AGAINST_PERSONS = cues(
    "violencia en las personas | violence against the person | violencia contra las personas"
)
UNINHABITED = cues("no habitado* | lugar no habitado | non habite*")
PENETRATION = cues("acceso carnal | penetra* | acces charnel | with an object | con objeto*")
TESTIMONY = cues("temoign* | testimon* | perjur* | witness* | testigo*")
THEFT = cues(
    "theft* | thief | thieves | steal* | stole* | larcen* | shoplift* | pickpocket* | snatch* | taking | "
    "hurto* | robo* | sustrac* | apropiacion* | abigeato* | vol | vols | voler | filouterie* | "
    "making off | dishonest* | carteris* | lanza* | joyrid* | swip*"
)
